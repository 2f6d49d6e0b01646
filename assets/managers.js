// superapp-shell: the manager objects of `wx` a desktop can back, and the app's ext
// config, on both page kinds (loaded after bridge.js).
// - wx.getUpdateManager(): the desktop runs the package on disk, so there is never an
//   update: onCheckForUpdate hears {hasUpdate: false}; onUpdateReady never comes.
// - wx.getLogManager() and wx.getRealtimeLogManager(): what they log goes to the console
//   (and so to the terminal and `--trace`), tagged.
// - wx.getBackgroundAudioManager(): one player for the mini program, through the same
//   media path as wx.createInnerAudioContext(); setting `src` starts it, as in WeChat.
// - wx.getExtConfigSync() / wx.getExtConfig(): the `ext` of the package's ext.json (when
//   `extEnable`), as a third-party platform's mini program reads it.
(function () {
  'use strict';
  var sa = window.__superapp, wx = window.wx;
  if (!sa || !wx || window.__superappManagers) return;
  window.__superappManagers = true;

  function later(fn, arg) { setTimeout(function () { fn(arg); }, 0); }

  var update = null;
  /** wx.getUpdateManager(): there is never an update on the desktop. */
  wx.getUpdateManager = function () {
    if (update) return update;
    update = {
      onCheckForUpdate: function (cb) { if (typeof cb === 'function') later(cb, { hasUpdate: false }); },
      onUpdateReady: function () {},
      onUpdateFailed: function () {},
      applyUpdate: function () { console.warn('[superapp] UpdateManager.applyUpdate: there is no update on this desktop'); }
    };
    return update;
  };

  function logger(tag, levels) {
    var out = {};
    levels.forEach(function (level) {
      var write = console[level === 'log' ? 'log' : level] || console.log;
      out[level] = function () { write.apply(console, ['[' + tag + ']'].concat(Array.prototype.slice.call(arguments))); };
    });
    return out;
  }
  /** wx.getLogManager({level}): debug, info, log, warn, to the console. */
  wx.getLogManager = function () { return logger('LogManager', ['debug', 'info', 'log', 'warn']); };
  /** wx.getRealtimeLogManager(): info, warn, error, and its filters and tags, to the console. */
  wx.getRealtimeLogManager = function () {
    var manager = logger('RealtimeLog', ['info', 'warn', 'error']);
    manager.setFilterMsg = manager.addFilterMsg = function () {};
    manager.in = function () { return manager; };
    manager.getCurrentState = function () { return { size: 0, maxSize: 5 * 1024, logCount: 0, maxLogCount: 200 }; };
    manager.tag = function (name) { var tagged = logger('RealtimeLog ' + name, ['info', 'warn', 'error']); tagged.setFilterMsg = tagged.addFilterMsg = function () {}; return tagged; };
    return manager;
  };

  var background = null;
  /** wx.getBackgroundAudioManager(): the mini program's one background player. */
  wx.getBackgroundAudioManager = function () {
    if (background) return background;
    var audio = wx.createInnerAudioContext();
    var stopped = false;
    background = { title: '', epname: '', singer: '', coverImgUrl: '', webUrl: '', protocol: 'http', referrerPolicy: '' };
    ['play', 'pause', 'seek'].forEach(function (method) {
      background[method] = function (arg) { stopped = false; audio[method](arg); };
    });
    background.stop = function () { stopped = true; audio.stop(); };
    ['Canplay', 'Waiting', 'Error', 'Play', 'Pause', 'Seeking', 'Seeked', 'Ended', 'Stop', 'TimeUpdate'].forEach(function (name) {
      background['on' + name] = function (cb) { audio['on' + name](cb); };
      background['off' + name] = function (cb) { audio['off' + name](cb); };
    });
    // (no system media keys on this desktop: next and previous never come)
    background.onNext = background.onPrev = function () {};
    Object.defineProperties(background, {
      src: { get: function () { return audio.src; }, set: function (v) { audio.src = v; stopped = false; audio.play(); } },
      startTime: { get: function () { return audio.startTime; }, set: function (v) { audio.startTime = v; } },
      playbackRate: { get: function () { return audio.playbackRate; }, set: function (v) { audio.playbackRate = v; } },
      currentTime: { get: function () { return audio.currentTime; } },
      duration: { get: function () { return audio.duration; } },
      paused: { get: function () { return stopped || audio.paused; } },
      buffered: { get: function () { return audio.buffered; } }
    });
    return background;
  };

  function extConfig() { return JSON.parse(JSON.stringify(sa.config.extConfig || {})); }
  /** wx.getExtConfigSync(): the `ext` of ext.json ({} without one). */
  wx.getExtConfigSync = function () { return extConfig(); };
  /** wx.getExtConfig(opts): {extConfig}. */
  wx.getExtConfig = function (opts) { return sa.succeed('getExtConfig', opts || {}, { extConfig: extConfig() }); };
})();
