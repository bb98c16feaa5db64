import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import { defineComponent, h, ref } from 'vue';

import type { FileSource } from '../../../../shared/fileSource';
import FileSourceField from '../../../../renderer/src/components/FileSourceField.vue';
import { createTestApi, mountWithApp, sampleInfo, settle } from '../helpers';

let wrapper: VueWrapper | undefined;
afterEach(() => wrapper?.unmount());

/** The field inside a parent that keeps its v-model, as pages do. */
const chosen = ref<FileSource | null>(null);
const Host = defineComponent(
  () => () =>
    h(FileSourceField, {
      modelValue: chosen.value,
      'onUpdate:modelValue': (value: FileSource | null) => (chosen.value = value),
      purpose: 'bundle',
      label: 'Bundle file',
      placeholder: '/path',
    }),
);

async function mountField(mode: 'desktop' | 'headless') {
  chosen.value = null;
  const testApi = createTestApi();
  testApi.handlers.info = async () => sampleInfo({ mode, workingDir: '/srv/auditor' });
  wrapper = (await mountWithApp(Host, testApi)).wrapper;
  await settle();
  return { wrapper, testApi };
}

function chooseButton(view: VueWrapper) {
  return view.findAll('button').find((item) => item.text().includes('Choose file'))!;
}

describe('FileSourceField', () => {
  it('takes a typed path, and says where a relative one is read from', async () => {
    const { wrapper } = await mountField('headless');
    await wrapper.find('input[type="text"]').setValue('bundles/b.tar.gz');
    expect(chosen.value).toEqual({ path: 'bundles/b.tar.gz' });
    expect(wrapper.text()).toContain('read from /srv/auditor');
    await wrapper.find('input[type="text"]').setValue('/abs/b.tar.gz');
    expect(wrapper.text()).not.toContain('read from');
  });

  it('uses the native picker in the desktop app', async () => {
    const { wrapper, testApi } = await mountField('desktop');
    testApi.app.handlers.chooseFile = async () => ({ path: '/home/me/rules.tar.gz' });
    await chooseButton(wrapper).trigger('click');
    await settle();
    expect(testApi.app.calls).toEqual([{ name: 'chooseFile', argument: { purpose: 'bundle' } }]);
    expect(chosen.value).toEqual({ path: '/home/me/rules.tar.gz' });
  });

  it('uploads a dropped file in a browser, and can go back to a path', async () => {
    const { wrapper, testApi } = await mountField('headless');
    const file = new File([new Uint8Array([1, 2, 3, 250])], 'rules.tar.gz');
    await wrapper.find('.file-source').trigger('drop', { dataTransfer: { files: [file] } });
    await settle();
    expect(chosen.value).toEqual({ upload: { name: 'rules.tar.gz', base64: 'AQID+g==' } });
    expect(wrapper.text()).toContain('rules.tar.gz');
    expect(wrapper.text()).toContain('uploaded from this browser');
    expect(testApi.app.calls).toEqual([]);
    await wrapper
      .findAll('button')
      .find((item) => item.text() === 'Use another file')!
      .trigger('click');
    expect(chosen.value).toBeNull();
  });
});
