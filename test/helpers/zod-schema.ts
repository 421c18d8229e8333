/**
 * What the server accepts from outside, as zod schemas: the input of every tRPC procedure (read from the router
 * itself, so a new procedure is covered without touching the tests) and the schemas of the plain routes. Plus a
 * small typed view of zod 4's schema definitions (`schema._zod.def`) for the tests that walk them.
 */
import { z } from 'zod';
import { appRouter } from '../../server/routers/_app.ts';
import { ZIngestRecord } from '../../shared/schemas/ingest.ts';
import { ZRosterUploadQuery } from '../../shared/schemas/roster.ts';
import { ZSignalQueryInput } from '../../shared/schemas/signal.ts';

/** zod 4's definition of a schema: `type` names the kind; the rest depends on it (shape, element, innerType, …). */
export type ZodDef = { type: string } & Record<string, unknown>;
export const defOf = (schema: z.ZodType): ZodDef => schema._zod.def as unknown as ZodDef;
/** What zod gathered about a schema's checks: minimum / maximum (lengths or values), format, patterns. */
export const bagOf = (schema: z.ZodType): Record<string, unknown> => schema._zod.bag as Record<string, unknown>;

export type ProcedureInput = {
  /** e.g. "enrollment.get" */
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  /** Each `.input()` of the chain (a token procedure has the token's and its own); tRPC merges them. */
  inputs: z.ZodType[];
  /** The inputs as one schema (an intersection when there are several); z.void() when there is none. */
  schema: z.ZodType;
};

type ProcedureDef = { type: ProcedureInput['type']; inputs: unknown[] };

/**
 * Every procedure of the app router with its input schemas, from tRPC 11's own records:
 * `appRouter._def.procedures` is flat (path → procedure) and each procedure's `_def.inputs` holds the parsers as
 * given to `.input()`.
 */
export function procedureInputs(): ProcedureInput[] {
  const procedures = (appRouter as unknown as { _def: { procedures: Record<string, { _def: ProcedureDef }> } })._def.procedures;
  return Object.entries(procedures).map(([path, procedure]) => {
    const inputs = procedure._def.inputs.map((input) => {
      if (!(input instanceof z.ZodType)) throw new Error(`${path}: an input that is not a zod schema`);
      return input;
    });
    const schema = inputs.length === 0 ? z.void() : inputs.reduce((all, next) => z.intersection(all, next));
    return { path, type: procedure._def.type, inputs, schema };
  });
}

/** The plain HTTP routes' inputs, validated with these schemas (ingest: each record on its own). */
export const PLAIN_ROUTE_INPUTS: Record<string, z.ZodType> = {
  'POST /api/v1/ingest (each record)': ZIngestRecord,
  'POST /api/signal/query (body)': ZSignalQueryInput,
  'POST /api/roster/upload (query)': ZRosterUploadQuery,
};

/**
 * The schemas directly inside `schema`, each with the step that leads there (a key, `[]` for an element, `{key}`
 * and `{value}` for a record, `|n` for a union option). Leaves (strings, numbers, enums, …) have none. Throws for a
 * kind it does not know, so a new kind of schema in an input is looked at rather than skipped.
 */
export function childrenOf(schema: z.ZodType): { step: string; schema: z.ZodType }[] {
  const def = defOf(schema);
  const one = (step: string, child: unknown) => (child instanceof z.ZodType ? [{ step, schema: child }] : []);
  switch (def.type) {
    case 'object': {
      const shape = def.shape as Record<string, z.ZodType>;
      return [...Object.entries(shape).map(([key, child]) => ({ step: `.${key}`, schema: child })), ...one('.*', def.catchall)];
    }
    case 'array':
      return one('[]', def.element);
    case 'set':
      return one('[]', def.valueType);
    case 'tuple':
      return [...(def.items as z.ZodType[]).map((item, i) => ({ step: `[${i}]`, schema: item })), ...one('[...]', def.rest)];
    case 'record':
    case 'map':
      return [...one('{key}', def.keyType), ...one('{value}', def.valueType)];
    case 'union':
      return (def.options as z.ZodType[]).map((option, i) => ({ step: `|${i}`, schema: option }));
    case 'intersection':
      return [...one('&0', def.left), ...one('&1', def.right)];
    case 'pipe':
      return [...one('>in', def.in), ...one('>out', def.out)];
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
    case 'success':
    case 'promise':
      return one('', def.innerType);
    case 'lazy':
      return one('', (def.getter as () => z.ZodType)());
    case 'string':
    case 'template_literal':
    case 'number':
    case 'bigint':
    case 'boolean':
    case 'date':
    case 'enum':
    case 'literal':
    case 'null':
    case 'undefined':
    case 'void':
    case 'never':
    case 'nan':
    case 'symbol':
    case 'transform':
    case 'unknown':
    case 'any':
    case 'custom':
    case 'file':
    case 'function':
      return [];
    default:
      throw new Error(`zod schema kind "${def.type}" is not known to childrenOf()`);
  }
}
