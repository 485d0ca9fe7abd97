// The lesson schema (lessons/lesson.schema.json), for the YAML language
// server in an author's editor: it accepts every part of every lesson of
// the course (front matter, check, probe and quiz blocks) and rejects the
// mistakes servicelab check rejects. No browser: ajv reads YAML parsed by
// `yaml`.
//
// Run with `make test-e2e`, or `cd tests/e2e && node --test tests/schema.test.mjs`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { ROOT } from '../lib.mjs';

const LESSONS = path.join(ROOT, 'lessons');
const schema = JSON.parse(await readFile(path.join(LESSONS, 'schema', 'lesson.schema.json'), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: false });
ajv.addSchema(schema);
// The files an editor points at, one per part, each a reference into the
// definitions (their $ref is relative to where they lie).
const FILES = { frontMatter: 'front-matter', checks: 'check', probes: 'probe', quiz: 'quiz' };
for (const file of Object.values(FILES)) {
  const wrapper = JSON.parse(await readFile(path.join(LESSONS, 'schema', `${file}.schema.json`), 'utf8'));
  ajv.addSchema({ ...wrapper, $id: new URL(`${file}.schema.json`, schema.$id).href });
}
const validate = (part, value) => {
  const v = ajv.getSchema(new URL(`${FILES[part]}.schema.json`, schema.$id).href);
  const ok = v(value);
  return ok ? [] : v.errors.map((e) => `${e.instancePath || '/'} ${e.message}${e.params?.additionalProperty ? `: ${e.params.additionalProperty}` : ''}`);
};

/** A lesson's YAML parts: the front matter and each engine block. */
function parts(text) {
  const out = [];
  const fm = text.match(/^---\n([\s\S]*?)\n---\n/);
  if (fm) out.push(['frontMatter', fm[1]]);
  const blocks = /^```(check|probe|quiz)[^\n]*\n([\s\S]*?)^```$/gm;
  for (const m of text.matchAll(blocks)) {
    out.push([{ check: 'checks', probe: 'probes', quiz: 'quiz' }[m[1]], m[2]]);
  }
  return out;
}

describe('the lesson schema', () => {
  it('accepts every part of every lesson of the course', async () => {
    const files = (await readdir(LESSONS)).filter((f) => f.endsWith('.md') && f !== 'README.md');
    assert.ok(files.length >= 11);
    const problems = [];
    let count = 0;
    for (const f of files) {
      const text = await readFile(path.join(LESSONS, f), 'utf8');
      for (const [part, yaml] of parts(text)) {
        count++;
        problems.push(...validate(part, parse(yaml)).map((p) => `${f} (${part}): ${p}`));
      }
    }
    assert.ok(count > 100, `read ${count} parts`);
    assert.deepEqual(problems, []);
  });

  it('rejects the mistakes servicelab check rejects', () => {
    const cases = [
      ['frontMatter', 'title: T\nworld:\n  nodes: 9\n', /maximum|<= 8/],
      ['frontMatter', 'title: T\nworld:\n  pods:\n  - {nme: web, image: nginx}\n', /nme|required/],
      ['frontMatter', 'titel: T\n', /titel|title/],
      ['checks', '- pod: {nme: myapp-pod}\n', /nme/],
      ['checks', '- request: {from: laptop, url: "http://x", expect: refusd}\n', /expect|anyOf|enum|pattern/],
      ['checks', '- pod: {name: a}\n  at: laptop\n', /more than 1|maxProperties/],
      ['checks', '- endpoints: {service: web}\n', /count|addresses|anyOf/],
      ['probes', '- {from: laptop, url: "http://x", befor: 200}\n', /befor/],
      ['quiz', 'question: Q\nchoices: [a]\nanswer: a\n', /minItems|fewer than 2/],
      ['quiz', 'question: Q\nchoices: [a, b]\nanswer: a\nprobe: {from: laptop, url: "http://x", when: later}\n', /when|pattern/],
    ];
    for (const [part, yaml, why] of cases) {
      const problems = validate(part, parse(yaml));
      assert.ok(problems.length > 0, `${part} accepted: ${yaml}`);
      assert.match(problems.join('; '), why, `${yaml}: ${problems.join('; ')}`);
    }
  });
});
