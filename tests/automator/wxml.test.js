// WeChat's own automation client drives the WXML sample (sample_wxml/) through
// `superapp auto`, unchanged: the way a mini program team's suite would run on Linux CI.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { launch, gone, until } = require('./support');

const mark = `automator-wxml-${process.pid}-${Date.now()}`;
let miniProgram;

test.before(async () => {
  ({ miniProgram } = await launch('sample_wxml', mark));
});

test.after(async () => {
  if (miniProgram) await miniProgram.close();
});

const text = async (page, selector) => (await (await page.$(selector)).text()).replace(/\s+/g, ' ').trim();

test('Tool.getInfo reports the base library level and the version', async () => {
  const info = await miniProgram.send('Tool.getInfo');
  assert.equal(info.SDKVersion, '3.0.0');
  assert.match(info.version, /^\d+\.\d+\.\d+$/);
  // The same level as the mini program sees.
  assert.equal((await miniProgram.callWxMethod('getAppBaseInfo')).SDKVersion, '3.0.0');
});

test('miniProgram.pageScrollTo calls wx.pageScrollTo, which the shell has', async () => {
  await miniProgram.pageScrollTo(0);
  const page = await miniProgram.currentPage();
  assert.equal(await page.scrollTop(), 0);
});

test('the page stack and the current page', async () => {
  const stack = await miniProgram.pageStack();
  assert.deepEqual(stack.map((p) => [p.path, p.query]), [['pages/index/index', {}]]);
  const page = await miniProgram.currentPage();
  assert.equal(page.path, 'pages/index/index');
  assert.equal(page.id, stack[0].id);
});

test('$ and $$ find what the page renders, by WXML names', async () => {
  const page = await miniProgram.currentPage();
  const fruits = await page.$$('view.fruit');
  assert.equal(fruits.length, 3);
  assert.equal(fruits[0].tagName, 'view');
  assert.equal((await page.$('input')).tagName, 'input');
  assert.equal(await page.$('#no-such-element'), null);
  assert.equal(await text(page, '.title'), 'Hello from WXML');
  assert.match(await fruits[1].attribute('class'), /\bfruit\b/);
  assert.equal(await fruits[1].attribute('data-index'), 1);
  const inner = await fruits[0].$$('text');
  assert.equal(inner.length, 1);
  assert.match(await fruits[0].outerWxml(), /^<view class="fruit " data-index="0">/);
  assert.equal(await (await page.$('.title')).style('display'), 'inline');
  const offset = await fruits[0].offset();
  assert.ok(offset.top > 0 && offset.left >= 0, JSON.stringify(offset));
});

test('XPath takes WXML names too', async () => {
  const page = await miniProgram.currentPage();
  const hello = await page.getElementByXpath('//view[@id="hello"]');
  assert.equal(hello.tagName, 'view');
  assert.equal(await hello.text(), 'Hello, stranger');
  const fruits = await page.getElementsByXpath('//view[contains(@class, "fruit")]');
  assert.equal(fruits.length, 3);
  const texts = await page.getElementsByXpath('//view[contains(@class, "fruit") and text]/text');
  assert.equal(texts.length, 3);
  assert.equal(texts[0].tagName, 'text');
});

test('a tap reaches the bind:tap handler in the logic context', async () => {
  const page = await miniProgram.currentPage();
  const [, banana] = await page.$$('.fruit');
  await banana.tap();
  await until(async () => (await page.data('fruits[1].picked')) === true);
  assert.equal(await page.data('taps'), 1);
  await until(async () => /✓/.test(await banana.text()));
});

test('triggerEvent and dispatchEvent fire WeChat events at an element', async () => {
  const page = await miniProgram.currentPage();
  const cherry = (await page.$$('.fruit'))[2];
  await cherry.trigger('tap', { from: 'trigger' });
  await until(async () => (await page.data('fruits[2].picked')) === true);
  await cherry.dispatchEvent({ eventName: 'tap' });
  await until(async () => (await page.data('fruits[2].picked')) === false);
  // (picking twice put the shared tap count at 3)
  await until(async () => (await page.data('taps')) === 3);
});

test('input types into an input and fires its bindinput', async () => {
  const page = await miniProgram.currentPage();
  const input = await page.$('input');
  await input.input('Ada');
  await until(async () => (await text(page, '#hello')) === 'Hello, Ada');
  assert.equal(await page.data('name'), 'Ada');
  assert.equal(await input.value(), 'Ada');
});

test('page data, setData and callMethod act on the page instance', async () => {
  const page = await miniProgram.currentPage();
  const data = await page.data();
  assert.equal(data.greeting, 'Hello from WXML');
  await page.setData({ greeting: 'Set by the test' });
  // setData answers once the page has rendered.
  assert.equal(await text(page, '.title'), 'Set by the test');
  await page.callMethod('pick', { currentTarget: { dataset: { index: 0 } } });
  assert.equal(await page.data('fruits[0].picked'), true);
  await assert.rejects(page.callMethod('noSuchMethod'), /has no method noSuchMethod/);
});

test('callWxMethod runs wx in the logic context; a modal is answered with native()', async () => {
  await miniProgram.callWxMethod('setStorageSync', 'automated', { n: 1 });
  assert.deepEqual(await miniProgram.callWxMethod('getStorageSync', 'automated'), { n: 1 });
  const info = await miniProgram.callWxMethod('getStorageInfo');
  assert.ok(info.keys.includes('automated'), JSON.stringify(info));
  await assert.rejects(miniProgram.callWxMethod('navigateTo', { url: '/pages/none/none' }), /navigateTo:fail/);
  const answer = miniProgram.callWxMethod('showModal', { title: 'Sure?', content: 'Asked by a test' });
  await until(async () => miniProgram.native().confirmModal().then(() => true, () => false));
  const res = await answer;
  assert.equal(res.confirm, true);
  assert.equal(res.cancel, false);
});

test('mockWxMethod replaces a built-in and invokeNativePlugin until restored', async () => {
  await miniProgram.mockWxMethod('getStorageSync', 'mocked');
  assert.equal(await miniProgram.callWxMethod('getStorageSync', 'automated'), 'mocked');
  // DevTools' documented form: the call's arguments, then the extra ones; this.origin is
  // the original.
  await miniProgram.mockWxMethod(
    'getStorageSync',
    function (key, defaultValue) {
      const real = this.origin(key);
      return real === '' ? defaultValue : real.n + 1;
    },
    'unknown'
  );
  assert.equal(await miniProgram.callWxMethod('getStorageSync', 'automated'), 2);
  assert.equal(await miniProgram.callWxMethod('getStorageSync', 'absent'), 'unknown');
  await miniProgram.restoreWxMethod('getStorageSync');
  assert.deepEqual(await miniProgram.callWxMethod('getStorageSync', 'automated'), { n: 1 });

  const page = await miniProgram.currentPage();
  await miniProgram.mockWxMethod('invokeNativePlugin', { method: 'mockedHandler' });
  await (await page.$('#native')).tap();
  await until(async () => (await page.data('nativeResult')) === 'mockedHandler: invokeNativePlugin:ok');
  await miniProgram.restoreWxMethod('invokeNativePlugin');
  await (await page.$('#native')).tap();
  await until(async () => (await page.data('nativeResult')) === 'myApiHandler: invokeNativePlugin:ok');
});

test('evaluate returns values, awaits promises and reports throws', async () => {
  assert.equal(await miniProgram.evaluate(() => 6 * 7), 42);
  assert.equal(await miniProgram.evaluate((a, b) => a + b, 'x', 'y'), 'xy');
  assert.deepEqual(await miniProgram.evaluate(() => new Promise((r) => setTimeout(() => r({ late: true }), 10))), { late: true });
  // (a tap, a trigger, a dispatch and a callMethod('pick') so far)
  assert.equal(await miniProgram.evaluate(() => getApp().globalData.taps), 4);
  await assert.rejects(miniProgram.evaluate(() => { throw new Error('thrown on purpose'); }), /thrown on purpose/);
  await assert.rejects(miniProgram.evaluate(() => Promise.reject(new Error('rejected on purpose'))), /rejected on purpose/);
});

test('console calls and uncaught errors become events', async () => {
  const logs = [];
  const exceptions = [];
  miniProgram.on('console', (entry) => logs.push(entry));
  miniProgram.on('exception', (entry) => exceptions.push(entry));
  await miniProgram.evaluate(() => console.log('hello from the logic context', 7));
  await until(() => logs.some((l) => l.type === 'log' && l.args[0] === 'hello from the logic context' && l.args[1] === 7));
  await miniProgram.evaluate(() => { setTimeout(() => { throw new Error('uncaught later'); }, 0); });
  await until(() => exceptions.some((e) => /uncaught later/.test(e.message)));
  // Its stack carries real frames (file:line:column), not a bare '@'.
  const later = exceptions.find((e) => /uncaught later/.test(e.message));
  assert.match(later.stack, /:\d+:\d+/);
  assert.notEqual(later.stack.trim(), '@');
  await miniProgram.evaluate(() => { Promise.reject(new Error('nobody caught this')); });
  await until(() => exceptions.some((e) => /nobody caught this/.test(e.message)));
});

test('exposeFunction gives the pages a global that calls back into the test', async () => {
  const calls = [];
  await miniProgram.exposeFunction('reportToTest', (...args) => calls.push(args));
  await miniProgram.evaluate(() => reportToTest('from', 'logic', 1));
  await until(() => calls.length === 1);
  assert.deepEqual(calls[0], ['from', 'logic', 1]);
});

test('navigateTo, navigateBack and reLaunch', async () => {
  let page = await miniProgram.navigateTo('/pages/detail/detail?from=automator');
  assert.equal(page.path, 'pages/detail/detail');
  assert.deepEqual(page.query, { from: 'automator' });
  assert.match(await text(page, '#info'), /^Opened from automator; 4 tap\(s\)/);
  assert.equal((await miniProgram.pageStack()).length, 2);
  page = await miniProgram.navigateBack();
  assert.equal(page.path, 'pages/index/index');
  page = await miniProgram.reLaunch('/pages/detail/detail?from=relaunch');
  assert.deepEqual((await miniProgram.pageStack()).map((p) => p.path), ['pages/detail/detail']);
  await miniProgram.native().goHome();
  assert.equal((await miniProgram.currentPage()).path, 'pages/index/index');
});

test('captureScreenshot is a PNG of the window', async () => {
  const data = await miniProgram.screenshot();
  const png = Buffer.from(data, 'base64');
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.ok(png.readUInt32BE(16) > 100 && png.readUInt32BE(20) > 100, 'width and height');
});

test('an unknown method, page or element is a clear error', async () => {
  await assert.rejects(miniProgram.send('Tool.enableRemoteDebug'), /Tool.enableRemoteDebug is not supported by superapp-shell/);
  await assert.rejects(miniProgram.send('Page.getElement', { pageId: 999, selector: 'view' }), /page 999 is not open/);
  const page = await miniProgram.currentPage();
  await assert.rejects(
    miniProgram.send('Element.tap', { pageId: page.id, elementId: 123456 }),
    /element 123456 is no longer on the page/
  );
});

test('the controls page: a custom component and the built-in controls, as DevTools drives them', async () => {
  const page = await miniProgram.navigateTo('/pages/controls/controls');
  assert.equal(page.path, 'pages/controls/controls');
  await until(async () => (await page.$('stepper')) !== null);
  // The custom component: its element is a CustomElement (data, setData, callMethod),
  // and its $ reaches inside it (the page's does not: its classes are its own).
  const stepper = await page.$('stepper');
  await until(async () => (await stepper.$('.count')) !== null);
  assert.equal(await page.$('.count'), null);
  assert.equal(stepper.constructor.name, 'CustomElement');
  assert.equal(await stepper.data('value'), 1);
  await (await stepper.$('.more')).tap();
  await until(async () => (await page.data('cups')) === 2);
  await stepper.callMethod('step', 1);
  await until(async () => (await page.data('cups')) === 3);
  await stepper.setData({ label: 'Mugs' });
  assert.equal(await text(stepper, '.stepper-label'), 'Mugs');
  assert.equal(await text(page, '#cups'), 'Ordered: 3');
  // The controls, each through its element class.
  await (await page.$('switch')).tap();
  await until(async () => (await page.data('last')) === 'sugar: true');
  await (await page.$('slider')).slideTo(80);
  await until(async () => (await page.data('last')) === 'heat: 80');
  await (await page.$('swiper')).swipeTo(2);
  await until(async () => (await page.data('tip')) === 2);
  await (await page.$('#order')).tap();
  await until(async () => (await page.data('last')).startsWith('order '));
  assert.deepEqual(JSON.parse((await page.data('last')).slice('order '.length)),
    { cups: 3, sugar: true, size: 'large', extras: [], heat: 80, when: 0 });
  await miniProgram.navigateBack();
});

test('close ends the shell, its WebKit processes and its Xvfb', async () => {
  await miniProgram.close();
  miniProgram = null;
  assert.deepEqual(await gone(mark, 3000), []);
});

