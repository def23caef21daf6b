import { Foundation1764200000000 } from "./1764200000000-Foundation";
import { Projects1764200001000 } from "./1764200001000-Projects";
import { InStep1764200005000 } from "./1764200005000-InStep";

/** Every migration in order; the only way the schema is made, on SQLite and MariaDB alike. */
export const migrations: Function[] = [Foundation1764200000000, Projects1764200001000, InStep1764200005000];
