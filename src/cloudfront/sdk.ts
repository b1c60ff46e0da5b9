/**
 * The only module that imports the AWS SDK. It is reached through a dynamic import in `api.ts`, so the
 * bundler puts the SDK in its own chunk, loaded only when an AWS call is about to be made.
 */
export {
  CloudFrontClient,
  CreateInvalidationCommand,
  CreateInvalidationForDistributionTenantCommand,
  GetInvalidationForDistributionTenantCommand,
  ListInvalidationsForDistributionTenantCommand,
  ListDistributionsCommand,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  GetDistributionTenantCommand,
  GetDistributionTenantByDomainCommand,
  ListDistributionTenantsCommand,
  GetInvalidationCommand,
  ListInvalidationsCommand,
} from '@aws-sdk/client-cloudfront'
