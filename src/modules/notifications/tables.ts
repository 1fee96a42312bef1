/** Kysely types of this module's tables (see migrations/); the central DB interface extends them. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface NotificationTables {}
