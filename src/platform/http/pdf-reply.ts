import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { FastifyReply } from 'fastify';

/** A PDF answer as OpenAPI describes it; binary replies bypass the serializer. */
export const PdfResponse = {
  description: 'A PDF document (application/pdf, inline)',
  content: { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } },
};

/**
 * Sends a PDF inline under a safe file name, never cached: bytes, or a stream of known size
 * (a stored file sent on as it comes from the blob store).
 */
export function sendPdf(reply: FastifyReply, pdf: ({ bytes: Uint8Array } | { size: number; stream: Readable }) & { fileName: string }) {
  const body = 'bytes' in pdf ? Buffer.from(pdf.bytes.buffer, pdf.bytes.byteOffset, pdf.bytes.byteLength) : pdf.stream;
  return reply
    .header('content-type', 'application/pdf')
    .header('content-length', 'bytes' in pdf ? pdf.bytes.byteLength : pdf.size)
    .header('content-disposition', `inline; filename="${pdf.fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`)
    .header('cache-control', 'no-store')
    .send(body);
}
