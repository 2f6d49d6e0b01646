// A tap-through of WeChat's official demo (github: wechat-miniprogram/miniprogram-demo)
// with WeChat's own automation client, as a team would drive it in DevTools: each
// component page of `packageComponent`, its control's main event, and what the page did
// with it (its data, or what it logged).
//
// The demo is not part of this repository and cannot be fetched where the suite runs
// offline: point SUPERAPP_DEMO at a prepared checkout (its README's steps: the submodule,
// then `npm run init`) to run it; without it the test says so and is skipped.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const automator = require('miniprogram-automator');
const { until, gone } = require('./support');

const demo = process.env.SUPERAPP_DEMO;
const skip = demo && fs.existsSync(path.join(demo, 'project.config.json'))
  ? false
  : 'SUPERAPP_DEMO does not name a prepared miniprogram-demo checkout';
const cliPath = process.env.SUPERAPP_BIN || path.resolve(__dirname, '..', '..', 'target', 'debug', 'superapp');
const mark = `superapp-demo-${process.pid}-${Date.now()}`;
const base = 'packageComponent/pages/';

let miniProgram = null;
const logged = [];

test.before(async () => {
  if (skip) return;
  process.env.SUPERAPP_TEST_MARK = mark;
  process.env.SUPERAPP_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'superapp-demo-'));
  miniProgram = await automator.launch({ cliPath, projectPath: demo, port: 9700 + (process.pid % 200) });
  miniProgram.on('console', (message) => logged.push(message.args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')));
});

test.after(async () => {
  if (!miniProgram) return;
  await miniProgram.close();
  assert.deepEqual(await gone(mark, 3000), []);
});

async function open(page) {
  const opened = await miniProgram.reLaunch('/' + base + page);
  await until(async () => (await opened.$('page-meta, view')) !== null);
  return opened;
}

async function saw(text) {
  await until(async () => logged.some((line) => line.includes(text)));
}

test('switch: change', { skip }, async () => {
  const page = await open('form/switch/switch');
  await (await page.$('switch')).tap();
  await saw('switch1 发生 change 事件，携带值为 false');
});

test('slider: change', { skip }, async () => {
  const page = await open('form/slider/slider');
  await (await page.$('slider')).slideTo(40);
  await saw('发生change事件，携带值为 40');
});

test('checkbox: change', { skip }, async () => {
  const page = await open('form/checkbox/checkbox');
  await until(async () => (await page.$$('checkbox-group checkbox')).length === 6);
  const boxes = await page.$$('checkbox-group checkbox');
  await boxes[0].tap();
  await until(async () => (await page.data('items'))[0].checked === true);
});

test('radio: change', { skip }, async () => {
  const page = await open('form/radio/radio');
  await until(async () => (await page.$$('radio-group radio')).length > 2);
  const radios = await page.$$('radio-group radio');
  await radios[2].tap();
  await until(async () => (await page.data('items'))[2].checked === true);
});

test('picker: change', { skip }, async () => {
  const page = await open('form/picker/picker');
  await (await page.$('picker')).trigger('change', { value: 2 });
  await until(async () => (await page.data('index')) === 2);
});

test('picker-view: a drag on a column', { skip }, async () => {
  const page = await open('form/picker-view/picker-view');
  const column = await page.$('picker-view-column');
  const { left, top } = await column.offset();
  const at = (y) => [{ identifier: 0, clientX: left + 20, clientY: top + y }];
  const before = await page.data('year');
  await column.touchstart({ touches: at(150), changedTouches: at(150) });
  await column.touchmove({ touches: at(250), changedTouches: at(250) });
  await column.touchend({ touches: [], changedTouches: at(250) });
  await until(async () => (await page.data('year')) === before - 2);
});

test('swiper: autoplay switched, swiped', { skip }, async () => {
  const page = await open('view/swiper/swiper');
  // (its sliders are commented out; its autoplay switch is a radio)
  await until(async () => (await page.$$('radio')).length === 2);
  const autoplay = await page.data('autoplay');
  await (await page.$$('radio'))[1].tap();
  await until(async () => (await page.data('autoplay')) === !autoplay);
  await (await page.$('swiper')).swipeTo(1);
});

test('movable-view: moved by the page and by moveTo', { skip }, async () => {
  const page = await open('view/movable-view/movable-view');
  await (await page.$('button')).tap();
  await until(async () => (await page.data('x')) === 30);
  const view = await page.$('movable-view');
  await until(async () => (await view.property('x')) === 30);
  await view.moveTo(10, 20);
  await until(async () => (await view.property('y')) === 20);
});

test('scroll-view: scrolled to its end', { skip }, async () => {
  const page = await open('view/scroll-view/scroll-view');
  await until(async () => (await page.$$('scroll-view')).length >= 3);
  const views = await page.$$('scroll-view');
  await views[1].scrollTo(0, 1000);
  await saw('"type":"scrolltolower"');
});

test('form: submit with its fields', { skip }, async () => {
  const page = await open('form/form/form');
  await (await page.$('switch')).tap();
  const buttons = await page.$$('button');
  await buttons[0].tap();
  await saw('form发生了submit事件');
});

test('input: typed text reaches the page', { skip }, async () => {
  const page = await open('form/input/input');
  await until(async () => (await page.$$('input')).length > 2);
  const inputs = await page.$$('input');
  await inputs[2].input('hello');
  await until(async () => (await page.data('inputValue')) === 'hello');
});

test('label: a tap on a label checks its control', { skip }, async () => {
  const page = await open('form/label/label');
  await until(async () => (await page.$$('checkbox-group label')).length > 1);
  const labels = await page.$$('checkbox-group label');
  await labels[0].tap();
  await until(async () => (await page.data('checkboxItems'))[0].checked === true);
});

test('slideview (WeUI, WXS touch handlers): a swipe reveals its buttons', { skip }, async () => {
  const page = await miniProgram.reLaunch('/packageExtend/pages/form/slideview/slideview');
  await until(async () => (await page.$$('mp-slideview')).length === 2);
  const view = (await page.$$('mp-slideview'))[1];
  await until(async () => ((await view.data('size')) || { buttons: [] }).buttons.length === 3);
  const left = await view.$('.weui-slideview__left');
  const { left: x, top } = await left.offset();
  const { width } = await left.size();
  const at = (px) => [{ identifier: 0, pageX: px, pageY: top + 20, clientX: px, clientY: top + 20 }];
  const start = x + width - 30;
  await left.touchstart({ touches: at(start), changedTouches: at(start) });
  for (let i = 1; i <= 6; i++) await left.touchmove({ touches: at(start - i * 30), changedTouches: at(start - i * 30) });
  await left.touchend({ touches: [], changedTouches: at(start - 180) });
  await until(async () => /matrix\(1, 0, 0, 1, -\d+/.test(await left.style('transform')));
});
