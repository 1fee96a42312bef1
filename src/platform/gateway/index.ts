export {
  gatewayFor,
  GatewayUnavailable,
  HttpGateway,
  type BreakerState,
  type CallOutcome,
  type DataSharingGateway,
  type GatewayConfig,
  type GatewayRequest,
  type GatewayResponse,
} from './gateway.ts';
export { SIGNATURE_HEADERS, TOKEN_PATH } from './contract.ts';
