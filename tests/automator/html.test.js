// WeChat's own automation client drives the HTML sample (sample_miniapp/): pages written
// for this shell get the same Page, Element and App methods.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { launch, gone, until } = require('./support');

const mark = `automator-html-${process.pid}-${Date.now()}`;
let miniProgram;

test.before(async () => {
  ({ miniProgram } = await launch('sample_miniapp', mark));
});

test.after(async () => {
  if (miniProgram) await miniProgram.close();
});

test('the home page and its elements, by HTML names', async () => {
  const page = await miniProgram.currentPage();
  assert.equal(page.path, 'pages/index/index');
  const runAll = await page.$('#run-all');
  assert.equal(runAll.tagName, 'button');
  assert.equal(await runAll.text(), 'Run all again');
  assert.equal((await page.$$('section.card')).length, 6);
  assert.equal(await (await page.$('[data-demo="seed"]')).attribute('data-demo'), 'seed');
  const xpath = await page.getElementByXpath('//button[@id="exit"]');
  assert.equal(await xpath.text(), 'wx.exitMiniProgram()');
  const [width] = await page.windowProperty(['document.documentElement.clientWidth']);
  assert.ok(width > 300, String(width));
});

test('a tap clicks; mockWxMethod reaches invokeNativePlugin in the page', async () => {
  const page = await miniProgram.currentPage();
  await miniProgram.mockWxMethod('invokeNativePlugin', function (options) {
    return { result: 'mocked', asked: options.api_name };
  });
  await (await page.$('[data-demo="seed"]')).tap();
  await until(async () => /mocked/.test(await (await page.$('#seed .out')).text()));
  assert.deepEqual(JSON.parse(await (await page.$('#seed .out')).text()), {
    result: 'mocked',
    asked: 'myApiName',
    errMsg: 'invokeNativePlugin:ok'
  });
  await miniProgram.restoreWxMethod('invokeNativePlugin');
  await (await page.$('[data-demo="seed"]')).tap();
  await until(async () => /myApiHandler/.test(await (await page.$('#seed .out')).text()));
});

test('switchTab, then page data, setData and callMethod on an HTML page', async () => {
  const page = await miniProgram.switchTab('/pages/runtime/runtime');
  assert.equal(page.path, 'pages/runtime/runtime');
  assert.deepEqual(await page.data(), { likes: 0 });
  await (await page.$('#like')).tap();
  await until(async () => (await page.data('likes')) === 1);
  assert.equal(await (await page.$('#likes')).text(), '1 like(s)');
  await page.setData({ likes: 5 });
  assert.equal(await (await page.$('#likes')).text(), '5 like(s)');
  assert.equal(await page.callMethod('like'), 6);
  assert.equal(await (await page.$('#likes')).text(), '6 like(s)');
});

test('evaluate runs in the top page; a modal is cancelled with native()', async () => {
  assert.equal(await miniProgram.evaluate(() => location.pathname), '/pages/runtime/runtime.html');
  const answer = miniProgram.callWxMethod('showModal', { title: 'Delete?' });
  await until(async () => miniProgram.native().cancelModal().then(() => true, () => false));
  const res = await answer;
  assert.equal(res.confirm, false);
  assert.equal(res.cancel, true);
});

test('navigateTo, the back button, and the page stack with queries', async () => {
  const page = await miniProgram.navigateTo('/pages/detail/detail?id=7');
  assert.deepEqual(page.query, { id: '7' });
  assert.deepEqual((await miniProgram.pageStack()).map((p) => p.path), ['pages/runtime/runtime', 'pages/detail/detail']);
  await miniProgram.native().navigateLeft();
  assert.equal((await miniProgram.currentPage()).path, 'pages/runtime/runtime');
  await miniProgram.native().switchTab({ url: '/pages/index/index' });
  assert.equal((await miniProgram.currentPage()).path, 'pages/index/index');
});

test('close leaves no process behind', async () => {
  await miniProgram.close();
  miniProgram = null;
  assert.deepEqual(await gone(mark, 3000), []);
});
