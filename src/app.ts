import type { Ctx } from './platform/context.ts';
import type { Config } from './platform/config.ts';
import { closeContext, createContext as createPlatformContext, type ContextOptions, type JobModule } from './platform/boot.ts';
import { ensureNotificationQueues, registerNotificationWorkers } from './modules/notifications/workers.ts';
import { ensureDigitisationQueues, registerDigitisationWorkers } from './modules/digitisation/ocr-worker.ts';
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
import { resultsModule } from './modules/results/routes.ts';
import { resultDraftModule } from './modules/results/draft-routes.ts';
import { digitisationScansModule } from './modules/digitisation/scan-routes.ts';
import { digitisationItemsModule } from './modules/digitisation/item-routes.ts';
import { digitisationLegacyModule } from './modules/digitisation/legacy-routes.ts';
import { ensureLegacyQueues, registerLegacyWorkers } from './modules/digitisation/import-legacy-results.ts';
import { digitisationCampaignPagesModule } from './web/routes/digitisation-campaign.tsx';
import { webModule } from './web/routes.tsx';
import { officeProceduresModule } from './web/routes/office-procedures.tsx';
import { citizenNotificationsModule } from './web/routes/citizen-notifications.ts';
import { dossierPortalModule } from './web/routes/dossier-portal.ts';
import { dossierOfficeModule } from './web/routes/dossier-office.ts';
import { resultVerifyModule } from './web/routes/verify-file.ts';
import { resultPagesModule } from './web/routes/result-pages.ts';
import { resultDraftPagesModule } from './web/routes/result-draft.ts';
import { calendarPagesModule } from './web/routes/calendar.ts';
import { outboxPagesModule } from './web/routes/outbox.ts';
import { officeAccountsModule } from './web/routes/office-accounts.tsx';
import { digitisationPagesModule } from './web/routes/digitisation.tsx';
import { registerSso, SSO_CALLBACK } from './modules/identity/citizen-sso.ts';
import { readDemo } from './modules/demo/load-demo-data.ts';
import { registerVneidSimulator, type SimCitizen } from './simulators/vneid/provider.ts';
import { currentPrincipal } from './modules/identity/current-principal.ts';
import { tsaSimulatorModule } from './simulators/tsa/routes.ts';
import { paymentSimulatorModule } from './simulators/payment/routes.ts';
import { paymentsPortalModule } from './web/routes/payments-portal.tsx';
import { paymentsOfficePagesModule } from './web/routes/payments-office.tsx';
import { dashboardPagesModule } from './web/routes/dashboard.tsx';
import { receiptVerifyModule } from './web/routes/receipt-verify.tsx';
import { paymentsModule } from './modules/payments/routes.ts';
import { openDataModule } from './modules/open-data/routes.ts';
import { publicStatisticsPagesModule } from './web/routes/public-statistics.tsx';
import { indicatorsModule } from './modules/indicators/routes.ts';
import { ensurePaymentQueues, registerPaymentWorkers } from './modules/payments/payment-jobs.ts';
import { analyticsModule } from './modules/analytics/routes.ts';
import { ensureAnalyticsQueues, registerAnalyticsWorkers } from './modules/analytics/emc-jobs.ts';
import { emcSimulatorModule } from './simulators/emc/routes.ts';
import { integrationsModule } from './modules/integrations/routes.ts';
import { integrationsPagesModule } from './web/routes/integrations.tsx';
import { vnpostSimulatorModule } from './simulators/vnpost/routes.ts';
import { ensurePostalQueues, registerPostalWorkers } from './modules/postal/postal-adapter.ts';
import { businessRegistryModule } from './modules/business-registry/routes.ts';
import { dataSharingModule } from './modules/data-sharing/routes.ts';
import { registrySimulatorModule } from './simulators/registry/routes.ts';
import { nationalPortalInboundModule } from './modules/national-portal/inbound-routes.ts';
import { nationalCataloguePagesModule } from './web/routes/national-catalogue.tsx';
import { ensureNationalPortalQueues, registerNationalPortalWorkers } from './modules/national-portal/jobs.ts';
import { dvcqgSimulatorModule } from './simulators/dvcqg/routes.ts';
import { analyticsPortalModule } from './web/routes/analytics-portal.tsx';
import { analyticsOfficePagesModule } from './web/routes/analytics-office.tsx';
import { documentSearchModule } from './modules/documents/search/routes.ts';
import { documentFilesModule } from './modules/documents/files/routes.ts';
import { documentFilesPagesModule } from './web/routes/documents-files.tsx';
import { documentSearchPagesModule } from './web/routes/documents-search.tsx';
import { exchangeModule } from './modules/documents/exchange/routes.ts';
import { ensureExchangeQueues, registerExchangeWorkers } from './modules/documents/exchange/exchange-adapter.ts';
import { incomingDocumentsModule } from './modules/documents/incoming/routes.ts';
import { incomingDocumentPagesModule } from './web/routes/documents-incoming.tsx';
import { outgoingDocumentPagesModule } from './web/routes/documents-outgoing.tsx';
import { outgoingDocumentsModule } from './modules/documents/outgoing/routes.ts';
import { ensureIncomingQueues, registerIncomingWorkers } from './modules/documents/incoming/ocr-job.ts';
import { axisSimulatorModule } from './simulators/axis/routes.ts';

/** The modules' durable jobs: the platform starts them without knowing the modules. */
export const JOB_MODULES: readonly JobModule[] = [
  { name: 'notifications', ensureQueues: ensureNotificationQueues, registerWorkers: (ctx) => registerNotificationWorkers(ctx) },
  { name: 'digitisation', ensureQueues: ensureDigitisationQueues, registerWorkers: (ctx) => registerDigitisationWorkers(ctx) },
  { name: 'digitisation-legacy', ensureQueues: ensureLegacyQueues, registerWorkers: registerLegacyWorkers },
  { name: 'payments', ensureQueues: ensurePaymentQueues, registerWorkers: registerPaymentWorkers },
  { name: 'analytics', ensureQueues: ensureAnalyticsQueues, registerWorkers: registerAnalyticsWorkers },
  { name: 'postal', ensureQueues: ensurePostalQueues, registerWorkers: registerPostalWorkers },
  { name: 'national-portal', ensureQueues: ensureNationalPortalQueues, registerWorkers: registerNationalPortalWorkers },
  { name: 'documents-exchange', ensureQueues: ensureExchangeQueues, registerWorkers: registerExchangeWorkers },
  { name: 'documents-incoming', ensureQueues: ensureIncomingQueues, registerWorkers: registerIncomingWorkers },
];

/** The application's context: the platform's, with the modules' job queues and workers. */
export function createContext(config: Config, opts: Omit<ContextOptions, 'jobModules'> = {}): Promise<Ctx> {
  return createPlatformContext(config, { ...opts, jobModules: JOB_MODULES });
}
export { closeContext };

/** The whole HTTP application: API modules, then pages. Used by `serve` and by tests. */
export async function buildApp(ctx: Ctx) {
  return buildServer(
    ctx,
    [
      identityModule,
      organisationModule,
      catalogModule,
      auditModule,
      calendarModule,
      uploadsModule,
      notificationsModule,
      dossiersModule,
      dossierFormsModule,
      resultsModule,
      resultDraftModule,
      digitisationScansModule,
      digitisationItemsModule,
      digitisationLegacyModule,
      paymentsModule,
      openDataModule,
      indicatorsModule,
      tsaSimulatorModule,
      paymentSimulatorModule,
      analyticsModule,
      emcSimulatorModule,
      integrationsModule,
      vnpostSimulatorModule,
      businessRegistryModule,
      dataSharingModule,
      registrySimulatorModule,
      nationalPortalInboundModule,
      dvcqgSimulatorModule,
      exchangeModule,
      incomingDocumentsModule,
      outgoingDocumentsModule,
      axisSimulatorModule,
      documentSearchModule,
      documentFilesModule,
      // Pages: src/web owns every page route and calls the modules' operations.
      documentSearchPagesModule,
      documentFilesPagesModule,
      analyticsPortalModule,
      citizenNotificationsModule,
      dossierPortalModule,
      paymentsPortalModule,
      dossierOfficeModule,
      resultVerifyModule,
      resultPagesModule,
      receiptVerifyModule,
      resultDraftPagesModule,
      calendarPagesModule,
      outboxPagesModule,
      officeAccountsModule,
      officeProceduresModule,
      nationalCataloguePagesModule,
      digitisationCampaignPagesModule,
      digitisationPagesModule,
      paymentsOfficePagesModule,
      publicStatisticsPagesModule,
      dashboardPagesModule,
      analyticsOfficePagesModule,
      integrationsPagesModule,
      incomingDocumentPagesModule,
      outgoingDocumentPagesModule,
      webModule,
    ],
    {
      extra: async (app) => {
        const { oidc, publicUrl } = ctx.config;
        // The demo's stand-in for the national SSO, with the demo citizens; OIDC_ISSUER replaces it.
        if (oidc.simulator) {
          await registerVneidSimulator(app, {
            issuer: oidc.issuer,
            clients: [
              {
                clientId: oidc.clientId,
                clientSecret: oidc.clientSecret,
                redirectUris: [`${publicUrl}${SSO_CALLBACK}`],
                postLogoutRedirectUris: [`${publicUrl}/`],
              },
            ],
            citizens: readDemo('citizens.json') as SimCitizen[],
            cookieKeys: [ctx.config.secrets.session],
            // In the database: a code issued on one node is redeemed on another.
            database: ctx.database.db,
          });
        }
        await registerSso(app, ctx);
      },
      refreshPrincipal: currentPrincipal(ctx),
    },
  );
}
