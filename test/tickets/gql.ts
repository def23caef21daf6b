/** GraphQL documents the ticket tests share. */
export const TICKET_FIELDS = `id stage status title description ackDueAt resolveDueAt acknowledgedAt resolvedAt closedAt ackBreached resolveBreached
  project { id } raisedBy { id } assignee { id } departments { code }`;

export const OPEN = `mutation($input: OpenServiceTicketInput!) { openServiceTicket(input: $input) { ${TICKET_FIELDS} } }`;
export const ACK = `mutation($input: TicketStatusInput!) { acknowledgeTicket(input: $input) { ${TICKET_FIELDS} } }`;
export const START = `mutation($input: TicketStatusInput!) { startTicket(input: $input) { ${TICKET_FIELDS} } }`;
export const RESOLVE = `mutation($input: TicketStatusInput!) { resolveTicket(input: $input) { ${TICKET_FIELDS} } }`;
export const CLOSE = `mutation($input: TicketStatusInput!) { closeTicket(input: $input) { ${TICKET_FIELDS} } }`;
export const REOPEN = `mutation($input: TicketStatusInput!) { reopenTicket(input: $input) { ${TICKET_FIELDS} } }`;
export const COMMENT = `mutation($input: CommentOnTicketInput!) { commentOnTicket(input: $input) { id status } }`;
export const REASSIGN = `mutation($input: ReassignTicketInput!) { reassignTicket(input: $input) { ${TICKET_FIELDS} } }`;
export const ESCALATE = `mutation($input: EscalateTicketInput!) { escalateTicket(input: $input) { ${TICKET_FIELDS} } }`;
export const TICKET = `query($id: ID!) { ticket(id: $id) { ${TICKET_FIELDS}
  timeline { totalCount edges { node { type at fromStatus toStatus fromStage toStage body actor { id } assignee { id } } } } } }`;
export const TICKETS = `query($filter: ServiceTicketFilter, $first: Int, $after: String) {
  serviceTickets(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id stage status } } } }`;
export const URGENT = `subscription($projectId: ID) { urgentRequests(projectId: $projectId) { type at projectId actor { id } ticket { id stage status title } } }`;
