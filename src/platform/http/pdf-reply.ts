import { z } from 'zod';
import type { FastifyReply } from 'fastify';

/** A PDF answer as OpenAPI describes it; binary replies bypass the serializer. */
export const PdfResponse = {
  description: 'A PDF document (application/pdf, inline)',
  content: { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } },
};

/** Sends PDF bytes inline under a safe file name, never cached. */
export function sendPdf(reply: FastifyReply, pdf: { bytes: Uint8Array; fileName: string }) {
  const bytes = Buffer.from(pdf.bytes.buffer, pdf.bytes.byteOffset, pdf.bytes.byteLength);
  return reply
    .header('content-type', 'application/pdf')
    .header('content-length', bytes.byteLength)
    .header('content-disposition', `inline; filename="${pdf.fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`)
    .header('cache-control', 'no-store')
    .send(bytes);
}
