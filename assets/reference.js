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

  /** An object whose methods fail (a manager or context a desktop cannot back). */
  function failingObject(kind) {
    var events = {};
    return new Proxy({}, {
      get: function (target, key) {
        if (typeof key !== 'string' || key === 'then' || key === 'toJSON') return undefined;
        if (Object.prototype.hasOwnProperty.call(target, key)) return target[key];
        var event = key.match(/^(on|off)([A-Z]\w*)$/);
        if (event) {
          var l = events[event[2]] || (events[event[2]] = listeners());
          return event[1] === 'on' ? l.on : l.off;
        }
        return function (opts) { return sa.fail(kind + '.' + key, options(opts), REASON); };
      }
    });
  }

  var SHAPES = {
    Async: function (name) { return function (opts) { return sa.fail(name, options(opts), REASON); }; },
    Sync: function (name) { return function () { throw new Error(name + ':fail ' + REASON); }; },
    Event: function () { var l = listeners(); return function (cb) { l.on(cb); }; },
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

  var canIUse = wx.canIUse;
  /** wx.canIUse: false for what this desktop cannot do, even though `wx` has it. */
  wx.canIUse = function (schema) {
    var answer = canIUse(schema);
    return answer && !unsupported[String(schema).split('.')[0]];
  };
})();
