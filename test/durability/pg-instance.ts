// The PostgreSQL instances of tests and of the local cluster are one implementation.
export { PgInstance, postgresBin, postgresInstallable } from '../../ops/cluster/postgres.ts';
