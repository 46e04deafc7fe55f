import type { FastifyInstance } from 'fastify';
import { z, type ZodType } from 'zod';
import { ERROR_CODES } from '@kefu/contracts';
import { routeDocs } from './route.js';

function schemaOf(t: ZodType | undefined): Record<string, unknown> | undefined {
  if (!t) return undefined;
  try {
    return z.toJSONSchema(t, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  } catch {
    return { description: 'schema not representable' };
  }
}

/** OpenAPI 3.1 document built from the routes registered through `route`. */
export function buildOpenApi(app: FastifyInstance, version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routeDocs(app)) {
    const path = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const params = schemaOf(r.params) as { properties?: Record<string, unknown> } | undefined;
    const query = schemaOf(r.query) as { properties?: Record<string, unknown> } | undefined;
    const body = schemaOf(r.body);
    paths[path] ??= {};
    paths[path]![r.method.toLowerCase()] = {
      summary: r.summary,
      tags: r.tags,
      ...(r.auth === 'agent' ? { security: [{ session: [] }] } : {}),
      parameters: [
        ...Object.entries(params?.properties ?? {}).map(([name, schema]) => ({ name, in: 'path', required: true, schema })),
        ...Object.entries(query?.properties ?? {}).map(([name, schema]) => ({ name, in: 'query', schema })),
      ],
      ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: body } } } } : {}),
      responses: {
        '200': { description: 'OK' },
        default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Kefu API', version, description: 'Kefu 客服工作台 HTTP API. Cookie-authenticated writes need the x-csrf-token header.' },
    paths,
    components: {
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'kefu_session' } },
      schemas: {
        Error: {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              properties: { code: { type: 'string', enum: Object.keys(ERROR_CODES) }, message: { type: 'string' }, details: {} },
              required: ['code', 'message'],
            },
          },
        },
      },
    },
  };
}
