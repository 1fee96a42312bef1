import type { FastifyReply } from 'fastify';
import type { ComponentChildren, VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

/** Server-side render; preact escapes every interpolated string. */
export function sendPage(reply: FastifyReply, node: VNode, status = 200) {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(`<!doctype html>${renderToString(node)}`);
}

/** A fragment for htmx swaps. */
export function sendFragment(reply: FastifyReply, node: VNode) {
  return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(renderToString(node));
}

export type Children = ComponentChildren;
