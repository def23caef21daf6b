import { Foundation1764200000000 } from "./1764200000000-Foundation";
import { Projects1764200001000 } from "./1764200001000-Projects";
import { FastTrack1764200002000 } from "./1764200002000-FastTrack";
import { Board1764200003000 } from "./1764200003000-Board";
import { TeamsTickets1764200004000 } from "./1764200004000-TeamsTickets";
import { InStep1764200005000 } from "./1764200005000-InStep";
import { Supervision1764200006000 } from "./1764200006000-Supervision";
import { LoginFailureRetention1764200007000 } from "./1764200007000-LoginFailureRetention";
import { UserLastSignIn1764200008000 } from "./1764200008000-UserLastSignIn";
import { Departments1764200009000 } from "./1764200009000-Departments";
import { GovernedPath1764200010000 } from "./1764200010000-GovernedPath";
import { GovernmentClauseRules1764200012000 } from "./1764200012000-GovernmentClauseRules";
import { FaultToleranceReviews1764200013000 } from "./1764200013000-FaultToleranceReviews";
import { Sessions1764200014000 } from "./1764200014000-Sessions";
import { IdempotencyKeys1764200015000 } from "./1764200015000-IdempotencyKeys";
import { BoardChanges1764200016000 } from "./1764200016000-BoardChanges";
import { Attachments1764200017000 } from "./1764200017000-Attachments";
import { Notifications1764200018000 } from "./1764200018000-Notifications";

/** Every migration in order; the only way the schema is made, on SQLite and MariaDB alike. */
export const migrations: Function[] = [
  Foundation1764200000000,
  Projects1764200001000,
  FastTrack1764200002000,
  Board1764200003000,
  TeamsTickets1764200004000,
  InStep1764200005000,
  Supervision1764200006000,
  LoginFailureRetention1764200007000,
  UserLastSignIn1764200008000,
  Departments1764200009000,
  GovernedPath1764200010000,
  GovernmentClauseRules1764200012000,
  FaultToleranceReviews1764200013000,
  Sessions1764200014000,
  IdempotencyKeys1764200015000,
  BoardChanges1764200016000,
  Attachments1764200017000,
  Notifications1764200018000,
];
