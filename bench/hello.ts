/** The HTTP baseline: Fastify 5 with one JSON route and nothing else, `hello.ts PORT`. */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'xin chào' }));
app.get('/healthz', async () => ({ status: 'ok' }));
await app.listen({ port: Number(process.argv[2]), host: '127.0.0.1' });
