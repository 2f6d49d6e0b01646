// superapp-shell: setData's path keys ('a.b', 'list[1].x'), shared by the logic and render
// layers of a WXML mini program, and the values that cross between them.
//
// In WeChat a page and its components both live in the logic layer, so a value one gives
// the other arrives as it is: `ec="{{ec}}"` with `ec.onInit` a function, a sticky header's
// `container` function, an uploader event's `detail.callback`. Here properties and events
// go through the render layer as JSON, so the logic layer sends what JSON cannot carry (a
// function, an object of a class) as a reference, `{__superappRef: n}` (a class's object
// also keeps its own fields, for the template), and takes it back as the value itself.
(function () {
  'use strict';
  if (window.__wxmlDataPath) return;

  // 'a.b[1].c' -> ['a', 'b', 1, 'c']
  function parse(path) {
    var keys = [];
    String(path).replace(/([^.[\]]+)|\[(\d+)\]/g, function (_, name, index) {
      keys.push(index !== undefined ? Number(index) : name);
    });
    return keys;
  }

  // Sets `value` at `path` in `target`, creating objects and arrays on the way.
  function set(target, path, value) {
    var keys = parse(path);
    var node = target;
    for (var i = 0; i < keys.length - 1; i++) {
      var key = keys[i];
      if (node[key] === null || typeof node[key] !== 'object') node[key] = typeof keys[i + 1] === 'number' ? [] : {};
      node = node[key];
    }
    node[keys[keys.length - 1]] = value;
  }

  // The value at `path` in `target` (undefined when a step is missing).
  function get(target, path) {
    var keys = parse(path);
    var node = target;
    for (var i = 0; i < keys.length; i++) {
      if (node === null || node === undefined) return undefined;
      node = node[keys[i]];
    }
    return node;
  }

  // A JSON copy of data (what crosses to the render layer); functions, which JSON drops,
  // are left out.
  function copy(value) {
    if (value === undefined) return undefined;
    var text = JSON.stringify(value);
    return text === undefined ? undefined : JSON.parse(text);
  }

  var MAX_DEPTH = 64;

  function plain(value) {
    var proto = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null;
  }

  // The logic layer's copy of a value given to setData: plain objects and arrays are
  // copied, functions and objects of a class kept as they are (WeChat keeps them).
  function keep(value, depth) {
    if (typeof value !== 'object' || value === null) return value;
    depth = depth || 0;
    if (depth > MAX_DEPTH) return value;
    if (Array.isArray(value)) {
      var list = new Array(value.length);
      for (var i = 0; i < value.length; i++) list[i] = keep(value[i], depth + 1);
      return list;
    }
    if (!plain(value)) return value;
    var out = {};
    for (var key in value) {
      if (Object.prototype.hasOwnProperty.call(value, key)) out[key] = keep(value[key], depth + 1);
    }
    return out;
  }

  // The references of one page (its webview), shared by the page and its components.
  var tables = Object.create(null);
  function refs(webviewId) {
    var table = tables[webviewId];
    if (!table) {
      var byValue = new Map();
      var byId = new Map();
      var next = 1;
      table = tables[webviewId] = {
        id: function (value) {
          var n = byValue.get(value);
          if (n === undefined) {
            n = next++;
            byValue.set(value, n);
            byId.set(n, value);
          }
          return n;
        },
        get: function (n) { return byId.get(n); }
      };
    }
    return table;
  }

  // `value` as the render layer may have it: the same value when JSON carries it all, else
  // a copy whose functions and class objects are references of page `webviewId`.
  function toRender(value, webviewId, depth) {
    if (typeof value === 'function') return { __superappRef: refs(webviewId).id(value) };
    if (typeof value !== 'object' || value === null) return value;
    depth = depth || 0;
    if (depth > MAX_DEPTH) return value;
    var out = null, i;
    if (Array.isArray(value)) {
      for (i = 0; i < value.length; i++) {
        var item = toRender(value[i], webviewId, depth + 1);
        if (item !== value[i]) { out = out || value.slice(); out[i] = item; }
      }
      return out || value;
    }
    var keys = Object.keys(value);
    for (i = 0; i < keys.length; i++) {
      var field = toRender(value[keys[i]], webviewId, depth + 1);
      if (field !== value[keys[i]]) { out = out || Object.assign({}, value); out[keys[i]] = field; }
    }
    // (a Date, with its toJSON, goes as JSON says)
    if (!plain(value) && typeof value.toJSON !== 'function') {
      out = out || Object.assign({}, value);
      out.__superappRef = refs(webviewId).id(value);
    }
    return out || value;
  }

  // A value back from the render layer: each reference of page `webviewId` is its value.
  function fromRender(value, webviewId, depth) {
    if (typeof value !== 'object' || value === null) return value;
    depth = depth || 0;
    if (depth > MAX_DEPTH) return value;
    if (typeof value.__superappRef === 'number') {
      var kept = refs(webviewId).get(value.__superappRef);
      if (kept !== undefined) return kept;
    }
    if (Array.isArray(value)) return value.map(function (v) { return fromRender(v, webviewId, depth + 1); });
    var out = {};
    Object.keys(value).forEach(function (key) {
      if (key !== '__superappRef') out[key] = fromRender(value[key], webviewId, depth + 1);
    });
    return out;
  }

  /** Drops the references of a page that closed. */
  function forget(webviewId) { delete tables[webviewId]; }

  window.__wxmlDataPath = Object.freeze({
    parse: parse, set: set, get: get, copy: copy,
    keep: keep, toRender: toRender, fromRender: fromRender, forget: forget
  });
})();
