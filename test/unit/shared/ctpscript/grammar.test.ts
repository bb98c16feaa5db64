import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { fileTests } from '@lezer/generator/test';
import { describe, it } from 'vitest';

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
