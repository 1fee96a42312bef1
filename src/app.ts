import type { Ctx } from './platform/context.ts';
import { buildServer } from './platform/http/server.ts';
import { identityModule } from './modules/identity/routes.ts';
import { organisationModule } from './modules/organisation/routes.ts';
import { catalogModule } from './modules/catalog/routes.ts';
import { auditModule } from './modules/audit/routes.ts';
import { calendarModule } from './modules/calendar/routes.ts';
import { uploadsModule } from './modules/uploads/routes.ts';
import { notificationsModule } from './modules/notifications/routes.ts';
import { dossiersModule } from './modules/dossiers/routes.ts';
import { dossierFormsModule } from './modules/dossiers/forms-routes.ts';
import { dossierPortalModule } from './modules/dossiers/portal-routes.ts';
import { dossierOfficeModule } from './modules/dossiers/office-routes.ts';
import { resultsModule } from './modules/results/routes.ts';
import { resultDraftModule } from './modules/results/draft-routes.ts';
import { resultVerifyModule } from './modules/results/verify-routes.ts';
import { webModule } from './web/routes.tsx';
import { registerSso } from './modules/identity/citizen-sso.ts';
import { currentPrincipal } from './modules/identity/current-principal.ts';
import { tsaSimulatorModule } from './simulators/tsa/routes.ts';

/** The whole HTTP application: API modules, then pages. Used by `serve` and by tests. */
export async function buildApp(ctx: Ctx) {
  return buildServer(ctx, [identityModule, organisationModule, catalogModule, auditModule, calendarModule, uploadsModule, notificationsModule, dossiersModule, dossierFormsModule, dossierPortalModule, dossierOfficeModule, resultsModule, resultDraftModule, resultVerifyModule, tsaSimulatorModule, webModule], {
    extra: (app) => registerSso(app, ctx),
    refreshPrincipal: currentPrincipal(ctx),
  });
}
