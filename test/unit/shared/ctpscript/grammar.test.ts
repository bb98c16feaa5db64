import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { fileTests } from '@lezer/generator/test';
import { classHighlighter, highlightTree, tagHighlighter, tags } from '@lezer/highlight';
import { describe, expect, it } from 'vitest';

import { parser } from '../../../../shared/ctpscript/parser.generated';

// Tree tests of the CTPScript grammar (CTP 5.4.1 with the adopted precedence), one
// `.txt` fixture per topic, in the format of lezer's own grammars.
const fixtures = join(__dirname, 'grammar');

for (const file of readdirSync(fixtures).filter((name) => name.endsWith('.txt'))) {
  describe(`grammar: ${file}`, () => {
    for (const { name, run } of fileTests(readFileSync(join(fixtures, file), 'utf8'), file)) {
      it(name, () => run(parser));
    }
  });
}

describe('highlighting props (for the editor)', () => {
  const source = 'matchRegexp("UK", select("c", value)) && value[0].x >= 1 || null';

  function spans(highlighter: Parameters<typeof highlightTree>[1]): string[] {
    const out: string[] = [];
    highlightTree(parser.parse(source), highlighter, (from, to, classes) => {
      out.push(`${source.slice(from, to)}=${classes}`);
    });
    return out;
  }

  it('tags numbers, strings, names, properties and operators', () => {
    expect(spans(classHighlighter)).toEqual(
      expect.arrayContaining([
        '"UK"=tok-string',
        'value=tok-variableName',
        'x=tok-propertyName',
        '>==tok-operator',
        '&&=tok-operator',
        '1=tok-number',
        '[=tok-punctuation',
      ]),
    );
  });

  it('tags called names as functions', () => {
    const highlighter = tagHighlighter([
      { tag: tags.function(tags.variableName), class: 'function' },
      { tag: tags.variableName, class: 'variable' },
      { tag: tags.null, class: 'null' },
      { tag: tags.compareOperator, class: 'compare' },
      { tag: tags.logicOperator, class: 'logic' },
    ]);
    expect(spans(highlighter)).toEqual(
      expect.arrayContaining([
        'matchRegexp=function',
        'select=function',
        'value=variable',
        'null=null',
        '>==compare',
        '||=logic',
      ]),
    );
  });
});
