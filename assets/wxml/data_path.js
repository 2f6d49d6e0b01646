// superapp-shell: setData's path keys ('a.b', 'list[1].x'), shared by the logic and render
// layers of a WXML mini program.
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

  window.__wxmlDataPath = Object.freeze({ parse: parse, set: set, get: get, copy: copy });
})();
