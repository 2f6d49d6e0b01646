// superapp-shell: WeChat's small APIs that a desktop does in the page itself, on both page
// kinds (loaded after bridge.js, before reference.js):
// - wx.getLaunchOptionsSync() / wx.getEnterOptionsSync(): the run's first page (the home
//   page), scene 1001 (opened from the mini program list), no referrer;
// - wx.arrayBufferToBase64 / wx.base64ToArrayBuffer; wx.getRandomValues({length});
// - wx.batchGetStorage(Sync) / wx.batchSetStorage(Sync), over the storage APIs;
// - wx.getSystemSetting() and wx.getAppAuthorizeSetting() (what a desktop has and grants),
//   wx.getSystemInfoAsync (wx.getSystemInfo), wx.getSkylineInfo(Sync) (no Skyline here: its
//   pages render with WebView, as WeChat falls back);
// - wx.requestIdleCallback / wx.cancelIdleCallback;
// - calls that change nothing a desktop shows succeed: the navigation bar's loading mark,
//   the page's background colour and text style, hideKeyboard, the alert before unload,
//   and effects a desktop may skip (vibration, keeping the screen on), as in DevTools.
(function () {
  'use strict';
  var sa = window.__superapp, wx = window.wx;
  if (!sa || !wx || window.__superappDesktop) return;
  window.__superappDesktop = true;
  var config = sa.config || {};

  function launchOptions() {
    return { path: config.launchPath || '', query: {}, scene: 1001, referrerInfo: {}, apiCategory: 'default', chatType: 0 };
  }
  /** The first page of the run and its query, scene 1001. */
  wx.getLaunchOptionsSync = launchOptions;
  /** As getLaunchOptionsSync: a desktop run is entered once. */
  wx.getEnterOptionsSync = launchOptions;

  /** ArrayBuffer -> base64. */
  wx.arrayBufferToBase64 = function (buffer) {
    var bytes = new Uint8Array(buffer), text = '';
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text);
  };
  /** base64 -> ArrayBuffer. */
  wx.base64ToArrayBuffer = function (base64) {
    var text = atob(String(base64 || '').replace(/\s/g, ''));
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes.buffer;
  };
  /** {randomValues: ArrayBuffer} of `length` bytes (at most 1024, as in WeChat). */
  wx.getRandomValues = function (opts) {
    opts = opts || {};
    var length = Number(opts.length);
    if (!(length > 0 && length <= 1024)) return sa.fail('getRandomValues', opts, 'parameter error: length must be 1 to 1024');
    var bytes = new Uint8Array(length);
    crypto.getRandomValues(bytes);
    return sa.succeed('getRandomValues', opts, { randomValues: bytes.buffer });
  };

  /** The values of `keyList`, in order ('' for a key not stored, as getStorageSync). */
  wx.batchGetStorageSync = function (keyList) {
    return (keyList || []).map(function (key) { return wx.getStorageSync(key); });
  };
  /** Stores each {key, value} of `kvList`. */
  wx.batchSetStorageSync = function (kvList) {
    (kvList || []).forEach(function (item) { wx.setStorageSync(item.key, item.value); });
  };
  wx.batchGetStorage = function (opts) {
    opts = opts || {};
    try {
      return sa.succeed('batchGetStorage', opts, { dataList: wx.batchGetStorageSync(opts.keyList) });
    } catch (err) {
      return sa.fail('batchGetStorage', opts, String(err.message || err).replace(/^\w+:fail /, ''));
    }
  };
  wx.batchSetStorage = function (opts) {
    opts = opts || {};
    try {
      wx.batchSetStorageSync(opts.kvList);
      return sa.succeed('batchSetStorage', opts, {});
    } catch (err) {
      return sa.fail('batchSetStorage', opts, String(err.message || err).replace(/^\w+:fail /, ''));
    }
  };

  /** What the desktop has switched on. */
  wx.getSystemSetting = function () {
    return { bluetoothEnabled: false, locationEnabled: false, wifiEnabled: true, deviceOrientation: 'portrait' };
  };
  /** What the desktop grants the mini program (the simulator grants what it asks). */
  wx.getAppAuthorizeSetting = function () {
    var yes = 'authorized';
    return { albumAuthorized: yes, bluetoothAuthorized: 'denied', cameraAuthorized: 'denied', locationAuthorized: 'denied',
      locationReducedAccuracy: false, microphoneAuthorized: yes, notificationAuthorized: yes, phoneCalendarAuthorized: 'denied' };
  };
  /** As wx.getSystemInfo. */
  wx.getSystemInfoAsync = function (opts) { return wx.getSystemInfo(opts); };
  var SKYLINE = { isSupported: false, version: '', reason: 'this desktop renders Skyline pages with WebView' };
  wx.getSkylineInfoSync = function () { return JSON.parse(JSON.stringify(SKYLINE)); };
  wx.getSkylineInfo = function (opts) { return sa.succeed('getSkylineInfo', opts || {}, wx.getSkylineInfoSync()); };

  /** requestIdleCallback(cb, {timeout}): an id for cancelIdleCallback. */
  wx.requestIdleCallback = function (cb, options) {
    if (typeof window.requestIdleCallback === 'function') return window.requestIdleCallback(cb, options);
    return setTimeout(function () { cb({ didTimeout: false, timeRemaining: function () { return 50; } }); }, 1);
  };
  wx.cancelIdleCallback = function (id) {
    if (typeof window.cancelIdleCallback === 'function') window.cancelIdleCallback(id);
    else clearTimeout(id);
  };

  /** wx.getPerformance(): the page's clock; no entries are recorded on the desktop. */
  wx.getPerformance = function () {
    var none = function () { return []; };
    return {
      now: function () { return performance.now(); },
      getEntries: none, getEntriesByName: none, getEntriesByType: none, setBufferSize: function () {},
      createObserver: function () { return { observe: function () {}, disconnect: function () {} }; }
    };
  };

  /** wx.createContext(): the oldest canvas API, whose calls wx.drawCanvas({canvasId,
   *  actions}) draws (through wx.createCanvasContext). */
  wx.createContext = function () {
    var actions = [];
    return new Proxy({}, {
      get: function (target, key) {
        if (key === 'getActions') return function () { return actions.slice(); };
        if (key === 'clearActions') return function () { actions = []; };
        if (typeof key !== 'string' || key === 'then' || key === 'toJSON') return undefined;
        return function () { actions.push({ method: key, data: Array.prototype.slice.call(arguments) }); };
      },
      set: function (target, key, value) { actions.push({ method: '=' + String(key), data: [value] }); return true; }
    });
  };
  wx.drawCanvas = function (opts) {
    opts = opts || {};
    var context = wx.createCanvasContext(opts.canvasId);
    (opts.actions || []).forEach(function (a) {
      if (a.method.charAt(0) === '=') context[a.method.slice(1)] = a.data[0];
      else if (typeof context[a.method] === 'function') context[a.method].apply(context, a.data || []);
    });
    context.draw(!!opts.reserve);
    return sa.succeed('drawCanvas', opts, {});
  };

  ['showNavigationBarLoading', 'hideNavigationBarLoading', 'setBackgroundColor', 'setBackgroundTextStyle',
    'hideKeyboard', 'enableAlertBeforeUnload', 'disableAlertBeforeUnload', 'setEnableDebug', 'setInnerAudioOption',
    // (effects a desktop may skip, as DevTools' simulator succeeds at them)
    'vibrateShort', 'vibrateLong', 'setKeepScreenOn'
  ].forEach(function (name) {
    wx[name] = function (opts) { return sa.succeed(name, opts || {}, {}); };
  });
})();
