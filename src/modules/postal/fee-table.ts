import { z } from 'zod';

/**
 * The postal fee shown to the applicant before they confirm, from a table rather than a price
 * request: VNPost's price API is not among the public facts (INTEGRATIONS §3), and a made-up
 * quote service would look like a contract while being a guess. The table is configuration
 * (VNPOST_FEE_TABLE, JSON of this shape), by the route (within the office's province or to
 * another) and the weight of the parcel, which we do not weigh: a result is a few sheets, a
 * paper dossier more (`WEIGHT_GRAMS`). In đồng, VAT included.
 */
export const FeeTable = z
  .array(z.object({ upToGrams: z.number().int().min(1), sameProvince: z.number().int().min(0), otherProvince: z.number().int().min(0) }))
  .min(1);
export type FeeTable = z.infer<typeof FeeTable>;

/** Our default: the public-service postal rates for administrative documents, rounded (demo and until configured). */
export const DEFAULT_FEE_TABLE: FeeTable = [
  { upToGrams: 250, sameProvince: 22_000, otherProvince: 30_000 },
  { upToGrams: 1000, sameProvince: 28_000, otherProvince: 42_000 },
  { upToGrams: 2000, sameProvince: 35_000, otherProvince: 55_000 },
];

/** What an order weighs, as we assume it: a result is a few sheets in an envelope, a paper dossier a folder. */
export const WEIGHT_GRAMS = { delivery: 250, pickup: 1000 } as const;
export type PostalPurpose = keyof typeof WEIGHT_GRAMS;

/** The fee for an order between the office's province and the applicant's (null: not known, charged as another province). */
export function postalFee(table: FeeTable, purpose: PostalPurpose, officeProvince: string, applicantProvince: string | null): number {
  const grams = WEIGHT_GRAMS[purpose];
  const sorted = [...table].sort((a, b) => a.upToGrams - b.upToGrams);
  const row = sorted.find((r) => grams <= r.upToGrams) ?? sorted[sorted.length - 1];
  return applicantProvince === officeProvince ? row.sameProvince : row.otherProvince;
}
