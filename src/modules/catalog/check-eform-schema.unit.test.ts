import { describe, expect, it } from 'vitest';
import { formatPath } from '../../platform/errors.ts';
import { checkEFormSchema, createEFormAjv, EFORM_LIMITS } from './check-eform-schema.ts';

const problems = (schema: unknown) => checkEFormSchema(schema).problems.map((p) => [formatPath(p.path), p.text.en]);

describe('checkEFormSchema', () => {
  it('refuses a schema nested 100,000 deep without overflowing the stack (the file import has no HTTP depth guard)', () => {
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 100_000; i++) deep = { not: deep };
    const [[path, en]] = problems({ type: 'object', properties: { a: deep } });
    expect(en).toBe(`The e-form is nested deeper than ${EFORM_LIMITS.maxDepth} levels`);
    expect(path.split('.')).toHaveLength(EFORM_LIMITS.maxDepth);
  });

  it('refuses too many members even when small and shallow', () => {
    const properties = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`f${i}`, { type: 'string' }]));
    expect(problems({ type: 'object', properties })).toEqual([['(root)', `The e-form has more than ${EFORM_LIMITS.maxNodes} members and elements`]]);
  });

  it('refuses a long chain of references (Ajv would compile it by recursion) and does not recurse itself', () => {
    const $defs: Record<string, unknown> = { d1000: { type: 'string' } };
    for (let i = 0; i < 1000; i++) $defs[`d${i}`] = { $ref: `#/$defs/d${i + 1}` };
    expect(problems({ type: 'object', $defs, properties: { a: { $ref: '#/$defs/d0' } } })).toEqual([
      [expect.stringMatching(/\$ref$/), `The e-form has more than ${EFORM_LIMITS.maxRefs} $ref references`],
    ]);
  });

  it('compiles a referenced object once, not once per reference (Ajv inlines small ones only)', () => {
    const leaf = { type: 'object', properties: Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`p${i}`, { type: 'string', maxLength: 10 }])) };
    const properties = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`r${i}`, { $ref: '#/$defs/leaf' }]));
    const { problems: found, validate } = checkEFormSchema({ type: 'object', $defs: { leaf }, properties }, createEFormAjv());
    expect(found).toEqual([]);
    // Inlined 200 times, the generated code would hold 120,000 field checks.
    expect(validate!.toString().length).toBeLessThan(200_000);
  });

  it('follows local references, cycles included, and checks what they point at', () => {
    const tree = {
      type: 'object',
      $defs: { node: { type: 'object', properties: { ten: { type: 'string' }, con: { type: 'array', items: { $ref: '#/$defs/node' } } } } },
      properties: { goc: { $ref: '#/$defs/node' } },
    };
    expect(problems(tree)).toEqual([]);
    expect(problems({ type: 'object', properties: { a: { $ref: '#' } } })).toEqual([]);
    // Ajv compiles what a $ref points at even under a key it otherwise ignores, so that is checked too.
    const hidden = { type: 'object', 'x-ui': { kieu: { type: 'string', pattern: '(?=a)' } }, properties: { a: { $ref: '#/x-ui/kieu' } } };
    expect(problems(hidden)).toEqual([['x-ui.kieu.pattern', expect.stringMatching(/lookahead/)]]);
    expect(problems({ type: 'object', properties: { a: { $ref: '#/$defs/khongCo' } } })).toEqual([
      ['properties.a.$ref', expect.stringMatching(/points nowhere/)],
    ]);
    expect(problems({ type: 'object', properties: { a: { $ref: 'other.json#/x' } } })).toEqual([
      ['properties.a.$ref', expect.stringMatching(/Only references inside/)],
    ]);
  });

  it('reads patterns only where they are keywords, not in data or under property names', () => {
    const s = { type: 'object', properties: { pattern: { type: 'string', enum: ['(?=a)'], default: '(?=a)', examples: [{ pattern: '(?=a)' }] } } };
    expect(problems(s)).toEqual([]);
    expect(problems({ type: 'object', properties: { a: { allOf: [{ type: 'string' }, { pattern: '\\1(a)' }] } } })).toEqual([
      ['properties.a.allOf[1].pattern', expect.stringMatching(/backreferences/)],
    ]);
  });

  it('refuses what would collide or change meaning between imports ($id, $anchor, dynamic references, other drafts)', () => {
    expect(problems({ type: 'object', $id: 'https://x.example/s' }).map(([p]) => p)).toEqual(['$id']);
    expect(problems({ type: 'object', properties: { a: { $anchor: 'a' } } }).map(([p]) => p)).toEqual(['properties.a.$anchor']);
    expect(problems({ type: 'object', $dynamicRef: '#x' }).map(([p]) => p)).toEqual(['$dynamicRef']);
    expect(problems({ type: 'object', $schema: 'http://json-schema.org/draft-07/schema#' }).map(([p]) => p)).toEqual(['$schema']);
  });

  it('compiles with the options of a filing: a schema Ajv rejects is one problem at the root, in both languages', () => {
    const [p] = checkEFormSchema({ type: 'object', properties: { a: { type: 'strin' } } }).problems;
    expect(p.path).toEqual([]);
    expect(p.text.en).toMatch(/^not a valid JSON Schema/);
    expect(p.text.vi).toMatch(/^JSON Schema không hợp lệ/);
  });
});
