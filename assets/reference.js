// superapp-shell: every function of WeChat's API reference exists on `wx`. Loaded after
// every script that defines `wx` functions: each name of the reference
// (src/core/wx_reference.rs, generated from miniprogram-api-typings, in the page's config)
// that `wx` still lacks is one a desktop cannot do, and fails clearly instead of throwing
// a TypeError:
// - `wx.x(opts)`: `fail`/`complete`, or the Promise rejects, with `x:fail not supported on
//   this desktop`;
// - `wx.xSync()`: throws that error;
// - `wx.onX(cb)`/`wx.offX(cb)`: the listener is kept, and never called;
// - `wx.createX()`/`wx.getXManager()`: an object whose every method fails so (its `onX`
//   methods keep their listeners).
// `wx.canIUse` says false for each of these, and for the desktop's unsupported hardware.
(function () {
  'use strict';
  var sa = window.__superapp, wx = window.wx;
  if (!sa || !wx || window.__superappReferenceDone) return;
  window.__superappReferenceDone = true;
  var config = sa.config || {};
  var REASON = 'not supported on this desktop';
  var unsupported = Object.create(null);

  function options(opts) { return opts && typeof opts === 'object' ? opts : {}; }

  function listeners() {
    var list = [];
    return {
      on: function (cb) { if (typeof cb === 'function') list.push(cb); },
      off: function (cb) { list = cb ? list.filter(function (l) { return l !== cb; }) : []; }
    };
  }

  var warned = Object.create(null);
  // A method of an object a desktop cannot back: its callbacks (an options object's, or a
  // callback given as is, as VKSession.start(cb) takes one) hear the failure; called with
  // neither, it warns once (such methods are not promisified in WeChat).
  function failMethod(api, args) {
    var opts = args[0] && typeof args[0] === 'object' ? args[0] : null;
    if (opts && (typeof opts.success === 'function' || typeof opts.fail === 'function' || typeof opts.complete === 'function')) {
      return sa.fail(api, opts, REASON);
    }
    var callback = Array.prototype.filter.call(args, function (a) { return typeof a === 'function'; })[0];
    var res = { errMsg: api + ':fail ' + REASON, errCode: -1 };
    // (an ad's show() and load() are promises in WeChat, rejected when no ad can show)
    if (/^\w*Ad\.(show|load)$/.test(api)) return Promise.reject(res);
    if (callback) setTimeout(function () { callback(res); }, 0);
    else if (!warned[api]) { warned[api] = true; console.warn('[superapp] ' + res.errMsg); }
    return undefined;
  }

  /** An object whose methods fail (a manager or context a desktop cannot back); its
   *  `onX` methods keep their listeners and give a listener object (`.start()`, `.stop()`)
   *  that fails as well. */
  function failingObject(kind) {
    var events = {};
    return new Proxy({}, {
      get: function (target, key) {
        if (typeof key !== 'string' || key === 'then' || key === 'toJSON') return undefined;
        if (Object.prototype.hasOwnProperty.call(target, key)) return target[key];
        var event = key.match(/^(on|off)([A-Z]\w*)$/);
        if (event) {
          var l = events[event[2]] || (events[event[2]] = listeners());
          return event[1] === 'on'
            ? function (cb) { l.on(cb); return failingObject(kind + '.' + key); }
            : l.off;
        }
        return function () { return failMethod(kind + '.' + key, arguments); };
      }
    });
  }

  // Stopping or closing what never started harms nothing: those calls succeed (onUnload
  // often stops a sensor without a fail handler).
  var CLEANUP = /^(stop|close)[A-Z]/;

  var SHAPES = {
    Async: function (name) {
      if (CLEANUP.test(name)) return function (opts) { return sa.succeed(name, options(opts), {}); };
      return function (opts) { return sa.fail(name, options(opts), REASON); };
    },
    Sync: function (name) { return function () { throw new Error(name + ':fail ' + REASON); }; },
    // (an `onX` keeps its listeners, never called; its `offX` has nothing to remove)
    Event: function (name) { return /^on/.test(name) ? listeners().on : function () {}; },
    Object: function (name) {
      var kind = name.replace(/^(create|get)/, '');
      return function () { return failingObject(kind); };
    }
  };

  (config.reference || []).forEach(function (entry) {
    var name = entry[0], shape = entry[1];
    if (typeof wx[name] === 'function') return;
    unsupported[name] = true;
    wx[name] = (SHAPES[shape] || SHAPES.Async)(name);
  });
  var desktop = config.desktop || {};
  (desktop.unsupported || []).concat(desktop.contexts || []).forEach(function (name) { unsupported[name] = true; });
  (desktop.unsupported || []).forEach(function (name) {
    if (CLEANUP.test(name)) wx[name] = function (opts) { return sa.succeed(name, options(opts), {}); };
  });
  // (the contexts of components a desktop cannot honour: the same failing objects)
  (desktop.contexts || []).forEach(function (name) {
    var kind = name.replace(/^create/, '');
    wx[name] = function () { return failingObject(kind); };
  });

  var canIUse = wx.canIUse;
  /** wx.canIUse: false for what this desktop cannot do, even though `wx` has it. */
  wx.canIUse = function (schema) {
    var answer = canIUse(schema);
    return answer && !unsupported[String(schema).split('.')[0]];
  };
})();
