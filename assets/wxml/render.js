// superapp-shell WXML renderer: the render layer of WeChat's two-layer model.
//
// It turns the virtual tree that WeChat's compiled WXML returns ($gwx(path)(data): nodes
// {tag: 'wx-view', attr: {...}, children: [...]} and text strings) into DOM, patches the
// DOM in place when new data gives a new tree (only what changed is touched), and turns
// DOM events into WeChat's events, in WeChat's order: capture handlers from the root
// down (capture-bind, capture-catch), then bubbling handlers from the target up (bind,
// catch); a catch stops the event there. It runs no page JS: handlers are named, and the
// names go to the logic layer.
(function () {
  'use strict';
  if (window.__wxmlRender) return;

  // The handler attribute forms: bindtap, bind:tap, catchtap, catch:tap, capture-bind:tap,
  // capture-catch:tap, mut-bind:tap.
  var HANDLER = /^(capture-bind|capture-catch|mut-bind|bind|catch):?([A-Za-z][A-Za-z0-9_-]*)$/;

  function parseHandler(name) {
    var m = HANDLER.exec(name);
    if (!m) return null;
    return { kind: m[1], type: m[2].toLowerCase() };
  }

  // Per-element state the DOM cannot hold: data-* values keep their JS types.
  function state(el) {
    if (!el.__wx) el.__wx = { dataset: {}, handlers: [], attrs: {} };
    return el.__wx;
  }

  function toDatasetKey(name) {
    // data-user-name -> userName, as WeChat's dataset does.
    return name.slice(5).replace(/-([a-z])/g, function (_, c) { return c.toUpperCase(); });
  }

  function setAttrs(el, attr) {
    var st = state(el);
    var observed = null; // the props a `change:prop` WXS observer watches
    var old = st.attrs;
    st.attrs = attr || {};
    st.dataset = {};
    st.handlers = [];
    Object.keys(old).forEach(function (name) {
      if (!(name in st.attrs) && !parseHandler(name) && name.indexOf('data-') !== 0) el.removeAttribute(attrName(name));
    });
    Object.keys(st.attrs).forEach(function (name) {
      var value = st.attrs[name];
      // (wcc gives a WXS module's function bound in the template as `$wxs:bindtap`,
      // `$wxs:change:prop`: run here, see runWxs)
      var wxs = name.indexOf('$wxs:') === 0 && typeof value === 'function';
      var handler = parseHandler(wxs ? name.slice(5) : name);
      if (wxs && !handler) {
        if (name.indexOf('$wxs:change:') === 0) (observed = observed || []).push(name.slice('$wxs:change:'.length));
        return;
      }
      if (handler) {
        handler.name = value;
        st.handlers.push(handler);
        return;
      }
      if (name.indexOf('data-') === 0) {
        st.dataset[toDatasetKey(name)] = value;
        return;
      }
      if (name === 'hidden') {
        el.hidden = !!value && value !== 'false';
        return;
      }
      if (name === 'animation') {
        // (wx.createAnimation's export: played once per new value)
        var key = value && typeof value === 'object' ? JSON.stringify(value) : '';
        if (key && st.animationKey !== key) playAnimation(el, value);
        st.animationKey = key;
        return;
      }
      // (a function — a WXS module's, in a template's data — is no attribute's text)
      if (typeof value === 'function') return;
      var text = value === undefined || value === null ? '' : String(value);
      if (old[name] !== value || el.getAttribute(attrName(name)) !== text) el.setAttribute(attrName(name), text);
    });
    // What WXS set (setStyle, addClass, removeClass) stands over the template's, as in
    // WeChat.
    if (st.wxsStyle) Object.keys(st.wxsStyle).forEach(function (k) { el.style.setProperty(k, st.wxsStyle[k]); });
    if (st.wxsClasses) Object.keys(st.wxsClasses).forEach(function (n) { el.classList.toggle(n, st.wxsClasses[n]); });
    if (observed) observeProps(el, observed);
  }

  // WXML attribute names may hold characters the DOM refuses (wx:key, bind:tap).
  function attrName(name) {
    return name.replace(/[^A-Za-z0-9_.-]/g, '_');
  }

  // Built-in components with behaviour of their own: an inner element the template does
  // not know (kept apart from the template's children), updated from the attributes.
  var IMAGE_FIT = { aspectFit: 'contain', aspectFill: 'cover', scaleToFill: 'fill', widthFix: 'contain', heightFix: 'contain' };
  var components = {
    'wx-input': function (el, attrs) {
      var st = state(el);
      var input = inner(el, 'input');
      input.type = truthy(attrs.password) ? 'password' : attrs.type === 'number' || attrs.type === 'digit' ? 'number' : 'text';
      input.placeholder = attrs.placeholder || '';
      input.disabled = truthy(attrs.disabled);
      if (attrs.maxlength !== undefined && Number(attrs.maxlength) >= 0) input.maxLength = Number(attrs.maxlength);
      // The value the template gives, when it changes (what the person typed stays
      // otherwise, as in WeChat).
      var value = attrs.value === undefined || attrs.value === null ? '' : String(attrs.value);
      if (st.valueAttr !== value) {
        st.valueAttr = value;
        if (input.value !== value) input.value = value;
      }
      fieldEvents(el, input);
      var focus = truthy(attrs.focus) || truthy(attrs['auto-focus'] || attrs.autoFocus);
      if (focus && !st.focused) setTimeout(function () { input.focus(); }, 0);
      st.focused = focus;
    },
    'wx-textarea': function (el, attrs) {
      var st = state(el);
      var area = inner(el, 'textarea');
      area.placeholder = attrs.placeholder || '';
      area.disabled = truthy(attrs.disabled);
      if (attrs.maxlength !== undefined && Number(attrs.maxlength) >= 0) area.maxLength = Number(attrs.maxlength);
      var value = attrs.value === undefined || attrs.value === null ? '' : String(attrs.value);
      if (st.valueAttr !== value) {
        st.valueAttr = value;
        if (area.value !== value) area.value = value;
      }
      fieldEvents(el, area);
      if (truthy(attrs.focus) && !st.focused) setTimeout(function () { area.focus(); }, 0);
      st.focused = truthy(attrs.focus);
    },
    'wx-image': function (el, attrs) {
      // An image that cannot load (no network, a bad path) shows a grey placeholder
      // (components.css: `data-superapp-failed`); binderror says why.
      var st = state(el);
      var img = inner(el, 'img');
      img.style.width = attrs.mode === 'heightFix' ? 'auto' : '100%';
      img.style.height = attrs.mode === 'widthFix' ? 'auto' : '100%';
      img.style.display = 'block';
      img.style.objectFit = IMAGE_FIT[attrs.mode] || 'fill';
      var src = attrs.src ? String(attrs.src) : '';
      if (img.getAttribute('src') !== src) {
        el.removeAttribute('data-superapp-failed');
        img.setAttribute('src', src);
      }
      if (st.imageWired) return;
      st.imageWired = true;
      img.addEventListener('load', function () {
        el.removeAttribute('data-superapp-failed');
        fire('load', el, { width: img.naturalWidth, height: img.naturalHeight }, []);
      });
      img.addEventListener('error', function () {
        if (img.getAttribute('src')) el.setAttribute('data-superapp-failed', '');
        fire('error', el, { errMsg: 'GET ' + img.getAttribute('src') + ' 404 (Not Found)' }, []);
      });
    }
  };

  function truthy(value) {
    return value !== undefined && value !== null && value !== false && value !== 'false';
  }

  // An input's or textarea's focus, blur and confirm (Enter in an input), with WeChat's
  // detail (`input` itself: the document's listener below).
  function fieldEvents(el, field) {
    var st = state(el);
    if (st.fieldWired) return;
    st.fieldWired = true;
    field.addEventListener('focus', function () { fire('focus', el, { value: field.value, height: 0 }, []); });
    field.addEventListener('blur', function () { fire('blur', el, { value: field.value, cursor: field.selectionStart || 0 }, []); });
    field.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && field.localName === 'input') fire('confirm', el, { value: field.value }, []);
    });
  }


  // cover-image: an image (over native components, on a phone).
  components['wx-cover-image'] = components['wx-image'];

  // text: `decode` turns &nbsp; &lt; &gt; &amp; &apos; &ensp; &emsp; into their
  // characters, `space` keeps spaces as ensp, emsp or nbsp (selectable is CSS).
  var ENTITIES = { '&nbsp;': '\u00a0', '&lt;': '<', '&gt;': '>', '&amp;': '&', '&apos;': "'", '&ensp;': '\u2002', '&emsp;': '\u2003' };
  var SPACES = { ensp: '\u2002', emsp: '\u2003', nbsp: '\u00a0' };
  components['wx-text'] = function (el, attrs) {
    var decode = truthy(attrs.decode), space = SPACES[attrs.space];
    if (!decode && !space) return;
    (state(el).kids || []).forEach(function (kid, i) {
      if (kid.nodeType !== 3) return;
      var text = String(state(el).vkids[i]);
      if (decode) text = text.replace(/&(nbsp|lt|gt|amp|apos|ensp|emsp);/g, function (e) { return ENTITIES[e]; });
      if (space) text = text.replace(/ /g, space);
      if (kid.nodeValue !== text) kid.nodeValue = text;
    });
  };

  // page-meta: the page's own settings, from its template: root-font-size, page-font-size,
  // page-style, background-color, scroll-top (with scroll-duration); bindscroll hears
  // the page scroll.
  components['wx-page-meta'] = function (el, attrs) {
    var st = state(el);
    var root = document.documentElement;
    var px = function (v) { return /^\d+(\.\d+)?$/.test(String(v)) ? v + 'px' : String(v); };
    var rootSize = attrs['root-font-size'] || attrs.rootFontSize;
    if (rootSize && rootSize !== 'auto' && rootSize !== 'system') root.style.fontSize = px(rootSize);
    var pageSize = attrs['page-font-size'] || attrs.pageFontSize;
    if (pageSize) document.body.style.fontSize = px(pageSize);
    var pageStyle = attrs['page-style'] || attrs.pageStyle;
    if (pageStyle !== undefined && st.pageStyle !== pageStyle) {
      st.pageStyle = pageStyle;
      document.body.setAttribute('style', String(pageStyle || ''));
    }
    var background = attrs['background-color'] || attrs.backgroundColor;
    if (background) root.style.backgroundColor = String(background);
    var top = attrs['scroll-top'] !== undefined ? attrs['scroll-top'] : attrs.scrollTop;
    if (top !== undefined && top !== '' && top !== st.scrollTop) {
      st.scrollTop = top;
      var duration = Number(attrs['scroll-duration'] || attrs.scrollDuration || 300);
      window.scrollTo({ top: parseFloat(top) || 0, behavior: duration > 0 ? 'smooth' : 'auto' });
    }
    if (!st.metaWired) {
      st.metaWired = true;
      window.addEventListener('scroll', function () {
        if (document.contains(el)) fire('scroll', el, { scrollTop: window.scrollY }, []);
      }, { passive: true });
    }
  };

  // A resize of the page (the window's): the logic layer's onResize and pageLifetimes.resize.
  var resizeTimer = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      componentSink({ kind: 'resize', size: { windowWidth: window.innerWidth, windowHeight: window.innerHeight } });
    }, 50);
  });

  // The controls with behaviour of their own (switch, slider, swiper...): controls.js.
  if (window.__wxmlControls) {
    var controls = window.__wxmlControls({
      state: state,
      inner: function (el, tag, key) { return inner(el, tag, key); },
      fire: function (type, el, detail) { return fire(type, el, detail, []); },
      kids: function (el) { return (state(el).kids || []).filter(function (k) { return k.nodeType === 1; }); }
    });
    Object.keys(controls).forEach(function (name) { components[name] = controls[name]; });
  }

  // A component this shell does not implement yet renders as a plain element: said once
  // per page, in the console (superapp smoke counts these).
  var noted = {};
  var config = (window.__superapp && window.__superapp.config) || {};
  var placeholders = (config.desktop && config.desktop.placeholders) || [];
  function isPlaceholder(name) {
    return placeholders.indexOf(name) >= 0 || name.indexOf('xr-') === 0;
  }
  function noteUnsupported(tag) {
    if (tag.indexOf('wx-') !== 0 || noted[tag]) return;
    var name = tag.slice(3);
    var known = config.components || [];
    if (known.indexOf(name) >= 0 || name === 'page' || name === 'block' || name === 'slot') return;
    noted[tag] = true;
    if (isPlaceholder(name)) {
      console.warn('[superapp] <' + name + '> is not supported on a desktop: a placeholder shows where it is');
    } else {
      console.warn('[superapp] <' + name + '> is not supported yet: shown as a plain element');
    }
  }

  // A component no desktop can honour: a visible box naming it (its template children,
  // cover-views over a map say, stay inside).
  function placeholder(el) {
    var name = el.localName.slice(3);
    if (!isPlaceholder(name) || name.indexOf('xr-') === 0 && name !== 'xr-scene' && name !== 'xr-frame') return;
    var label = inner(el, 'span', 'placeholder');
    label.className = 'wx-placeholder-label';
    label.textContent = '<' + name + '> is not available on the desktop';
    el.classList.add('wx-placeholder');
  }

  // A component's inner element named `key` (one per element by default), made once and
  // put before the template's children.
  function inner(el, tag, key) {
    var st = state(el);
    key = key || 'main';
    st.inners = st.inners || {};
    if (!st.inners[key]) {
      var made = document.createElement(tag);
      made.__wxInternal = true;
      el.insertBefore(made, el.firstChild);
      st.inners[key] = made;
      if (key === 'main') st.inner = made;
    }
    return st.inners[key];
  }


  // Each element keeps its template children and the virtual nodes they show (kids and
  // vkids in its state): a patch compares the new virtual tree with the old one in JS and
  // touches the DOM only where they differ. (A component's inner element is not a kid.)
  // Custom components (usingComponents, resolved by the shell: components.js): a tag of
  // the owner's table is a host element; its content is the component's own template,
  // drawn with the data its logic sends, with the owner's children in its <slot>s. Each
  // element remembers its owner (0: the page; else a component instance), whose JS its
  // handlers name.
  var table = (window.__wxmlComponents && window.__wxmlComponents.using) || {};
  var instances = {}; // instance id -> host element
  var nextInstance = 1;
  var componentSink = function () {};
  var styled = {};

  function componentOf(owner, tag) {
    if (tag.indexOf('wx-') !== 0) return undefined;
    var using = table[owner.path];
    if (using && using[tag.slice(3)]) return using[tag.slice(3)];
    // a generic of the owner component: what its host gave, else the default
    var comp = compOf(owner);
    return comp && comp.generics ? comp.generics[tag.slice(3)] : undefined;
  }
  // A component's generics (`componentGenerics`): each name's default from its .json,
  // unless its host gives one (`generic:item="my-card"`: a tag of the host's owner).
  var genericDefaults = (window.__wxmlComponents && window.__wxmlComponents.generics) || {};
  function genericsOf(path, node, owner) {
    var out = Object.assign({}, genericDefaults[path] || {});
    Object.keys(node.generics || {}).forEach(function (name) {
      var found = componentOf(owner, node.generics[name]);
      if (found) out[name.replace(/^wx-/, '')] = found;
      else console.warn('[superapp] generic:' + name.replace(/^wx-/, '') + ': ' + String(node.generics[name]).replace(/^wx-/, '') + ' is not in usingComponents');
    });
    return out;
  }

  function camel(name) { return name.replace(/-([a-z])/g, function (_, c) { return c.toUpperCase(); }); }

  // The properties an owner gives a component: its attributes, but handlers, class,
  // style, id, slot and data-*; `my-title` is `myTitle`.
  function propsOf(attr) {
    var props = {};
    Object.keys(attr || {}).forEach(function (name) {
      if (parseHandler(name) || name.indexOf('data-') === 0 || name === 'class' || name === 'style' ||
        name === 'id' || name === 'slot' || name.indexOf('wx:') === 0) return;
      props[name.replace(/-([a-z])/g, function (_, c) { return c.toUpperCase(); })] = attr[name];
    });
    return props;
  }

  // Style isolation (WeChat's styleIsolation, as its WebView renderer does it): an
  // isolated component's class names are written with its prefix
  // (`components-card-card--title`) and its WXSS is inserted with that prefix before each
  // class name, so neither the page's class rules reach in nor its rules out;
  // apply-shared writes both names (the page's rules reach in); shared writes the names
  // as given and inserts its WXSS page-wide. `~name` is the page's class, `^name` the
  // owner's. Tag and id selectors are page-wide, as in WeChat.
  var isolationTable = (window.__wxmlComponents && window.__wxmlComponents.isolation) || {};
  function isolationOf(path, options) {
    options = options || {};
    var given = options.styleIsolation;
    if (given === 'isolated' || given === 'apply-shared' || given === 'shared') return given;
    if (options.addGlobalClass) return 'apply-shared';
    return isolationTable[path] || 'isolated';
  }
  function prefixOf(path) { return path.replace(/[^A-Za-z0-9_-]/g, '-') + '--'; }
  // The component state of an owner ({id, path}; id 0 is the page: null).
  function compOf(owner) {
    var el = owner && owner.id ? instances[owner.id] : null;
    return el ? state(el).comp : null;
  }
  // Class name `name`, written in `comp`'s template (null: the page's), as the DOM has it.
  function scopeClass(comp, name) {
    if (!comp || !comp.isolation) return name;
    if (name.charAt(0) === '~') return name.slice(1);
    if (name.charAt(0) === '^') return scopeClass(compOf(comp.slotOwner), name.slice(1));
    if (comp.isolation === 'shared') return name;
    if (comp.isolation === 'apply-shared') return comp.prefix + name + ' ' + name;
    return comp.prefix + name;
  }
  // A selector written in `comp`'s JS (or for its element) as it matches the DOM.
  function scopeSelector(comp, selector) {
    if (!comp || !comp.prefix) return selector;
    var out = '', quote = null, depth = 0;
    for (var i = 0; i < selector.length; i++) {
      var ch = selector[i];
      if (quote) { if (ch === quote) quote = null; out += ch; continue; }
      if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '[') depth++;
      else if (ch === ']') depth--;
      out += ch;
      if (ch === '.' && !depth && /[A-Za-z_-]/.test(selector[i + 1] || '')) out += comp.prefix;
    }
    return out;
  }
  // The class attribute of a node as its template wrote it (before scoping).
  function classOf(node) {
    if (!node || !node.attr) return '';
    return String(node.rawClass !== undefined ? node.rawClass : node.attr['class'] || '');
  }

  function host(el, path, node, owner) {
    var st = state(el);
    var id = nextInstance++;
    st.comp = {
      id: id, path: path, data: null, slots: node.children || [], slotOwner: owner, props: propsOf(node.attr),
      names: [(node.attr && node.attr.id) || '', classOf(node)],
      hostAttrs: node.attr || {}, generics: genericsOf(path, node, owner)
    };
    instances[id] = el;
    // (`:host` in its WXSS is `[is="path"]`)
    el.setAttribute('is', path);
    // Said once the element is in the page (after this render), with the component
    // instances around it (its relations need them).
    pendingCreated.push({
      el: el, message: {
        kind: 'created', id: id, path: path, props: st.comp.props, owner: owner.id, tag: el.localName.slice(3),
        attrId: (node.attr && node.attr.id) || '', classes: classOf(node),
        dataset: JSON.parse(JSON.stringify(st.dataset))
      }
    });
  }

  // The instances made during a render, said to the logic layer in the order they were
  // made, each with the ids of the component instances around it, nearest first.
  var pendingCreated = [];
  function flushCreated() {
    var list = pendingCreated;
    pendingCreated = [];
    list.forEach(function (p) {
      if (!document.contains(p.el)) return;
      var ancestors = [];
      for (var n = p.el.parentNode; n && n !== document; n = n.parentNode) {
        if (n.__wx && n.__wx.comp) ancestors.push(n.__wx.comp.id);
      }
      p.message.ancestors = ancestors;
      componentSink(p.message);
    });
  }

  // The component's template with the data it has (nothing before its first data), its
  // <slot>s holding the owner's children (a child with slot="x" goes to <slot name="x">).
  function componentTree(c) {
    if (!c.data) return [];
    var tree = $gwx(c.path + '.wxml')(c.data, {}, {});
    var named = {}, rest = [];
    c.slots.forEach(function (child) {
      var name = child && typeof child === 'object' && child.attr && child.attr.slot;
      if (name) (named[name] = named[name] || []).push(child);
      else rest.push(child);
    });
    // externalClasses: a class name the owner sets (`custom-class="red"` on the host) is
    // replaced by the owner's classes (scoped as the owner's) inside the component.
    var external = c.external || [];
    var hostAttrs = c.hostAttrs || {};
    var ownerComp = compOf(c.slotOwner);
    function scoped(list, comp) {
      return list.split(/\s+/).filter(Boolean).map(function (name) { return scopeClass(comp, name); });
    }
    function classes(attr) {
      if (!attr || attr['class'] === undefined || attr['class'] === null) return attr;
      var out = Object.assign({}, attr);
      var names = [];
      String(attr['class']).split(/\s+/).filter(Boolean).forEach(function (name) {
        if (external.indexOf(name) < 0) { names.push.apply(names, scoped(name, c)); return; }
        // (WeChat's compiler gives `inner-class` as innerClass)
        var given = hostAttrs[name] !== undefined ? hostAttrs[name] : hostAttrs[camel(name)];
        if (given !== undefined && given !== null) names.push.apply(names, scoped(String(given), ownerComp));
      });
      out['class'] = names.join(' ');
      return out;
    }
    function fill(node) {
      if (!node || typeof node !== 'object') return node;
      if (node.tag === 'wx-slot') {
        var name = (node.attr && node.attr.name) || '';
        return { tag: 'wx-slot', attr: node.attr, children: name ? named[name] || [] : rest, slotOwner: c.slotOwner };
      }
      var attr = classes(node.attr);
      if (attr === node.attr && (!node.children || !node.children.length)) return node;
      return Object.assign({}, node, {
        attr: attr, rawClass: node.attr ? node.attr['class'] : undefined, children: node.children && node.children.map(fill)
      });
    }
    return ((tree && tree.children) || []).map(fill);
  }

  // Draws a host element's content from its component's data and slots.
  function drawComponent(el) {
    var st = state(el);
    var c = st.comp;
    patchChildren(el, componentTree(c), { id: c.id, path: c.path });
  }

  // Every component instance in a removed subtree says it is detached.
  function release(dom) {
    var ids = [];
    (function walk(n) {
      if (!n || n.nodeType !== 1 || !n.__wx) return;
      var st = n.__wx;
      if (st.comp) {
        ids.push(st.comp.id);
        delete instances[st.comp.id];
      }
      (st.kids || []).forEach(walk);
    })(dom);
    ids.forEach(function (id) { componentSink({ kind: 'detached', id: id }); });
  }

  // Each element keeps its template children and the virtual nodes they show (kids and
  // vkids in its state): a patch compares the new virtual tree with the old one in JS and
  // touches the DOM only where they differ. (A component's inner element is not a kid.)
  function create(node, owner) {
    if (typeof node !== 'object' || node === null) return document.createTextNode(String(node));
    var el = document.createElement(node.tag === 'virtual' ? 'wx-block' : node.tag);
    var path = componentOf(owner, el.localName);
    if (!path) noteUnsupported(el.localName);
    setAttrs(el, node.attr);
    var st = state(el);
    st.owner = owner.id;
    st.kids = [];
    st.vkids = [];
    if (path) {
      host(el, path, node, owner);
      return el;
    }
    var childOwner = node.slotOwner || owner;
    var children = node.children || [];
    for (var i = 0; i < children.length; i++) {
      var kid = create(children[i], childOwner);
      el.appendChild(kid);
      st.kids.push(kid);
      st.vkids.push(children[i]);
    }
    if (components[el.localName]) components[el.localName](el, node.attr || {});
    else if (!path) placeholder(el);
    return el;
  }

  // The DOM node name a virtual node becomes ('#text' for text).
  function kind(node) {
    if (typeof node !== 'object' || node === null) return '#text';
    return node.tag === 'virtual' ? 'wx-block' : node.tag;
  }

  // True when two attribute maps hold the same values (attribute values are JSON-like:
  // strings, numbers, booleans, or the objects a data-* binding gave; those compare by JSON).
  function sameAttrs(a, b) {
    var keys = Object.keys(b);
    if (keys.length !== Object.keys(a).length) return false;
    for (var i = 0; i < keys.length; i++) {
      var k = keys[i], x = a[k], y = b[k];
      if (x === y) continue;
      // (wcc makes some template helpers, `$gdc`, afresh on each render)
      if (typeof x === 'function' && typeof y === 'function' && String(x) === String(y)) continue;
      if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
      if (JSON.stringify(x) !== JSON.stringify(y)) return false;
    }
    return true;
  }

  // Patches `dom`, which shows virtual node `old`, to show `node`; returns the DOM node now
  // in its place.
  function patch(dom, old, node, owner) {
    var k = kind(node);
    if (k === '#text' && kind(old) === k) {
      var text = String(node);
      if (String(old) !== text) dom.nodeValue = text;
      return dom;
    }
    var st = kind(old) === k ? state(dom) : null;
    if (!st || (st.comp ? st.comp.path : undefined) !== componentOf(owner, k)) {
      var fresh = create(node, owner);
      release(dom);
      dom.parentNode.replaceChild(fresh, dom);
      return fresh;
    }
    if (!sameAttrs(st.attrs, node.attr || {})) setAttrs(dom, node.attr);
    if (st.comp) {
      var c = st.comp;
      c.slots = node.children || [];
      c.slotOwner = owner;
      c.hostAttrs = node.attr || {};
      var props = propsOf(node.attr);
      var names = [(node.attr && node.attr.id) || '', classOf(node)];
      // Only the properties whose value from the owner changed (as in WeChat: the
      // component's own setData of a property stands until the owner gives a new value).
      var changed = {};
      Object.keys(props).forEach(function (key) {
        if (JSON.stringify(props[key]) !== JSON.stringify(c.props[key])) changed[key] = props[key];
      });
      if (Object.keys(changed).length || JSON.stringify(names) !== JSON.stringify(c.names)) {
        c.props = props;
        c.names = names;
        componentSink({ kind: 'props', id: c.id, props: changed, attrId: names[0], classes: names[1] });
      }
      drawComponent(dom);
      return dom;
    }
    patchChildren(dom, node.children || [], node.slotOwner || owner);
    if (components[k]) components[k](dom, node.attr || {});
    else placeholder(dom);
    return dom;
  }

  // Which old children stand for which new ones when the count changed (a wx:if, a
  // shorter list): the longest run of the same kinds in order (LCS), so that the nodes
  // after a vanished one keep their elements (and components their state) rather than
  // each becoming its neighbour. Returns, for each new child, the old index or -1; null
  // when plain index order will do.
  function align(vkids, children) {
    var n = vkids.length, m = children.length;
    if (n === m || !n || !m || n * m > 40000) return null;
    var a = vkids.map(kind), b = children.map(kind);
    var table = [];
    for (var i = 0; i <= n; i++) { table.push(new Uint16Array(m + 1)); }
    for (var x = n - 1; x >= 0; x--) {
      for (var y = m - 1; y >= 0; y--) {
        table[x][y] = a[x] === b[y] ? table[x + 1][y + 1] + 1 : Math.max(table[x + 1][y], table[x][y + 1]);
      }
    }
    var from = new Array(m).fill(-1);
    var p = 0, q = 0;
    while (p < n && q < m) {
      if (a[p] === b[q]) { from[q] = p; p++; q++; } else if (table[p + 1][q] >= table[p][q + 1]) p++; else q++;
    }
    return from;
  }

  function patchChildren(dom, children, owner) {
    var st = state(dom);
    var kids = st.kids, vkids = st.vkids;
    var from = align(vkids, children);
    if (from) {
      var used = {};
      var next = children.map(function (child, i) {
        var at = from[i];
        if (at < 0) return create(child, owner);
        used[at] = true;
        return patch(kids[at], vkids[at], child, owner);
      });
      kids.forEach(function (kid, at) {
        if (!used[at]) { release(kid); dom.removeChild(kid); }
      });
      // (in order, after the inner elements a built-in keeps before them)
      var anchor = null;
      for (var k = next.length - 1; k >= 0; k--) {
        if (next[k].parentNode !== dom || next[k].nextSibling !== anchor) dom.insertBefore(next[k], anchor);
        anchor = next[k];
      }
      st.kids = next;
      st.vkids = children.slice();
      return;
    }
    for (var i = 0; i < children.length; i++) {
      if (i < kids.length) {
        kids[i] = patch(kids[i], vkids[i], children[i], owner);
      } else {
        kids.push(create(children[i], owner));
        dom.appendChild(kids[i]);
      }
      vkids[i] = children[i];
    }
    for (var j = kids.length - 1; j >= children.length; j--) {
      release(kids[j]);
      dom.removeChild(kids[j]);
    }
    kids.length = vkids.length = children.length;
  }

  // IntersectionObservers of the logic layer (wx.createIntersectionObserver, and a
  // component's this.createIntersectionObserver): the elements a selector names within
  // the owner's own template, watched against the viewport or an element of it.
  var observers = {};
  function ownedBy(selector, owner) {
    var found = [];
    selector = scopeSelector(compOf({ id: owner }), selector);
    try { found = Array.prototype.slice.call(document.querySelectorAll(selector)); } catch (err) { return []; }
    return found.filter(function (el) { return el.__wx && (el.__wx.owner || 0) === owner; });
  }
  function observe(m) {
    unobserve(m.observer);
    var targets = ownedBy(m.selector, m.owner || 0);
    var rootEl = m.relativeTo ? ownedBy(m.relativeTo, m.owner || 0)[0] || null : null;
    observers[m.observer] = window.__superappIntersections.observe(m, targets, rootEl, function (result) {
      componentSink({ kind: 'intersection', observer: m.observer, result: result });
    });
  }
  // WeChat's keyframes ({offset, ease, opacity, width, translate: [x, y], rotate: deg,
  // scale: [x, y], backgroundColor...}) as CSS keyframes.
  function px(v) { return typeof v === 'number' ? v + 'px' : String(v); }
  function cssFrame(frame) {
    var css = {}, transform = [];
    Object.keys(frame).forEach(function (key) {
      var v = frame[key];
      var pair = Array.isArray(v) ? v : [v, v];
      switch (key) {
        case 'offset': css.offset = v; break;
        case 'ease': css.easing = v; break;
        case 'translate': transform.push('translate(' + px(pair[0]) + ', ' + px(pair[1] === undefined ? 0 : pair[1]) + ')'); break;
        case 'translateX': case 'translateY': case 'translateZ': transform.push(key + '(' + px(v) + ')'); break;
        case 'translate3d': transform.push('translate3d(' + v.map(px).join(', ') + ')'); break;
        case 'rotate': case 'rotateX': case 'rotateY': case 'rotateZ': transform.push(key + '(' + (typeof v === 'number' ? v + 'deg' : v) + ')'); break;
        case 'scale': transform.push('scale(' + pair[0] + ', ' + (pair[1] === undefined ? pair[0] : pair[1]) + ')'); break;
        case 'scaleX': case 'scaleY': transform.push(key + '(' + v + ')'); break;
        case 'skew': transform.push('skew(' + pair.map(function (d) { return typeof d === 'number' ? d + 'deg' : d; }).join(', ') + ')'); break;
        case 'matrix': transform.push('matrix(' + v.join(', ') + ')'); break;
        default: css[key] = typeof v === 'number' && key !== 'opacity' && key !== 'zIndex' ? v + 'px' : v;
      }
    });
    if (transform.length) css.transform = transform.join(' ');
    return css;
  }
  function animate(m) {
    var els = ownedBy(m.selector, m.owner || 0);
    var frames = (m.keyframes || []).map(cssFrame);
    var running = els.map(function (el) { return el.animate(frames, { duration: m.duration, fill: 'forwards' }); });
    if (m.timeline) {
      // A scroll-driven animation: the scroll of `scrollSource` between its offsets sets
      // the time.
      var source = ownedBy(m.timeline.scrollSource, m.owner || 0)[0];
      var start = Number(m.timeline.startScrollOffset) || 0, end = Number(m.timeline.endScrollOffset) || 0;
      var range = Number(m.timeline.timeRange) || m.duration;
      running.forEach(function (a) { a.pause(); a.currentTime = 0; });
      if (source) {
        source.addEventListener('scroll', function () {
          var at = m.timeline.orientation === 'horizontal' ? source.scrollLeft : source.scrollTop;
          var t = end > start ? Math.min(1, Math.max(0, (at - start) / (end - start))) : 0;
          running.forEach(function (a) { a.currentTime = t * range; });
        });
      }
      return;
    }
    Promise.all(running.map(function (a) { return a.finished.catch(function () {}); })).then(function () {
      componentSink({ kind: 'animated', animation: m.animation });
    });
  }

  function unobserve(id) {
    if (observers[id]) observers[id]();
    delete observers[id];
  }

  var root = null;
  var pageOwner = { id: 0, path: '' };
  var rootNode = null; // the virtual tree the DOM shows
  var listener = null;

  function target(el) {
    var st = state(el);
    return {
      id: el.id || '',
      dataset: JSON.parse(JSON.stringify(st.dataset)),
      offsetLeft: el.offsetLeft || 0,
      offsetTop: el.offsetTop || 0
    };
  }

  // The WXML elements from `el` up to the root, innermost first.
  function pathOf(el) {
    var path = [];
    for (var n = el; n && n !== root.parentNode; n = n.parentNode) {
      if (n.nodeType === 1 && n.__wx) path.push(n);
    }
    return path;
  }

  // The elements under `scope` (an element, or a component instance's id) that WXML
  // selector `selector` matches: each `>>>` part after the first crosses into the
  // components the one before found (WeChat's `a >>> b`); each part's class names as the
  // template that holds them writes them.
  function selectFrom(scope, selector) {
    if (typeof scope === 'number') scope = instances[scope] || null;
    if (!scope) return [];
    var parts = String(selector).split('>>>').map(function (part) { return window.__superapp.domSelector(part.trim()); });
    var found = [scope];
    parts.forEach(function (part, i) {
      var next = [];
      found.forEach(function (el) {
        var st = el.__wx;
        var comp = st && st.comp ? st.comp : i === 0 ? compOf({ id: st ? st.owner : 0 }) : null;
        if (i > 0 && !(st && st.comp)) return; // `>>>` crosses into a component only
        var list = [];
        try { list = el.querySelectorAll(scopeSelector(comp, part)); } catch (err) { list = []; }
        Array.prototype.forEach.call(list, function (x) { if (next.indexOf(x) < 0) next.push(x); });
      });
      found = next;
    });
    return found;
  }

  // WXS response (WeChat's event handlers and `change:prop` observers written in a WXS
  // module, run here in the render layer): `fn(event, ownerInstance)` with
  // `event.instance`, each a ComponentDescriptor of an element: setStyle, addClass,
  // removeClass, hasClass, getDataset, getState, selectComponent(s), callMethod (the
  // owner's method, in the logic layer), triggerEvent, getComputedStyle,
  // getBoundingClientRect, requestAnimationFrame.
  function kebab(name) { return String(name).replace(/[A-Z]/g, function (c) { return '-' + c.toLowerCase(); }); }
  function ownerIdOf(el) { return el && el.__wx ? el.__wx.owner || 0 : 0; }
  function descriptor(el) {
    if (!el) return null;
    if (el.__wxDescriptor) return el.__wxDescriptor;
    var st = state(el);
    var classScope = function () { return compOf({ id: st.owner || 0 }); };
    var names = function (list) {
      return String(list || '').split(/\s+/).filter(Boolean).map(function (n) { return scopeClass(classScope(), n); }).join(' ').split(' ');
    };
    var toggle = function (list, on) {
      st.wxsClasses = st.wxsClasses || {};
      names(list).forEach(function (n) { if (n) { st.wxsClasses[n] = on; el.classList.toggle(n, on); } });
      return d;
    };
    var d = {
      selectComponent: function (selector) { return d.selectAllComponents(selector)[0] || null; },
      selectAllComponents: function (selector) { return selectFrom(el, selector).map(descriptor); },
      setStyle: function (style) {
        var set = st.wxsStyle = {};
        if (typeof style === 'string') {
          style.split(';').forEach(function (rule) {
            var at = rule.indexOf(':');
            if (at > 0) set[rule.slice(0, at).trim()] = rule.slice(at + 1).trim();
          });
        } else {
          Object.keys(style || {}).forEach(function (k) { set[kebab(k)] = String(style[k]); });
        }
        Object.keys(set).forEach(function (k) { el.style.setProperty(k, set[k]); });
        return d;
      },
      addClass: function (list) { return toggle(list, true); },
      removeClass: function (list) { return toggle(list, false); },
      hasClass: function (name) { return names(name).every(function (n) { return el.classList.contains(n); }); },
      getDataset: function () { return JSON.parse(JSON.stringify(st.dataset)); },
      getState: function () { return st.wxsState || (st.wxsState = {}); },
      callMethod: function (name, args) {
        var owner = st.comp ? st.comp.id : ownerIdOf(el);
        if (listener) listener(String(name), args === undefined ? {} : JSON.parse(JSON.stringify(args)), owner);
      },
      triggerEvent: function (name, detail) { fire(name, el, detail, []); },
      getComputedStyle: function (list) {
        var cs = getComputedStyle(el), out = {};
        (list || []).forEach(function (n) { out[n] = cs.getPropertyValue(kebab(n)); });
        return out;
      },
      getBoundingClientRect: function () {
        var r = el.getBoundingClientRect();
        return { left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height };
      },
      requestAnimationFrame: function (fn) { return requestAnimationFrame(fn); },
      setTimeout: function (fn, ms) { return setTimeout(fn, ms); },
      clearTimeout: function (id) { clearTimeout(id); }
    };
    // (what WXS code sees: the same methods named nv_..., arguments and answers converted;
    // getState's object stays WXS's own)
    var wxs = {};
    Object.keys(d).forEach(function (k) {
      wxs['nv_' + k] = function () {
        var args = Array.prototype.map.call(arguments, function (a) { return typeof a === 'function' ? a : fromWxs(a); });
        var answer = d[k].apply(null, args);
        if (k === 'getState') return answer;
        if (answer === d) return wxs;
        if (k === 'selectComponent') return answer ? answer.__wxs : null;
        if (k === 'selectAllComponents') return answer.map(function (x) { return x.__wxs; });
        return toWxs(answer);
      };
    });
    d.__wxs = wxs;
    el.__wxDescriptor = d;
    return d;
  }
  // The ownerInstance of an element: its template's component (its host), or the page.
  function ownerDescriptor(el) {
    var id = ownerIdOf(el);
    return descriptor(id ? instances[id] : root).__wxs;
  }
  // WXS code names every property with `nv_` (wcc compiles `e.instance.setStyle({a: 1})`
  // to `nv_e.nv_instance.nv_setStyle({nv_a: 1})`): values go in with it and come out
  // without it.
  function toWxs(value) {
    if (Array.isArray(value)) return value.map(toWxs);
    if (!value || typeof value !== 'object') return value;
    var out = {};
    Object.keys(value).forEach(function (k) { out['nv_' + k] = toWxs(value[k]); });
    return out;
  }
  function fromWxs(value) {
    if (Array.isArray(value)) return value.map(fromWxs);
    if (!value || typeof value !== 'object') return value;
    var out = {};
    Object.keys(value).forEach(function (k) { out[k.indexOf('nv_') === 0 ? k.slice(3) : k] = fromWxs(value[k]); });
    return out;
  }
  function runWxs(fn, args) {
    try { return fn.apply(null, args); } catch (err) {
      if (window.__superappReportError) window.__superappReportError(err, false); else console.error(err);
      return undefined;
    }
  }
  // `change:prop="{{wxs.fn}}"`: fn(new, old, ownerInstance, instance) when prop is set
  // (first render included) and whenever its value changes.
  function observeProps(el, props) {
    var st = state(el);
    props.forEach(function (prop) {
      var now = st.attrs[prop];
      var seen = st.observedProps || (st.observedProps = {});
      var key = JSON.stringify(now === undefined ? null : now);
      if (prop in seen && seen[prop].key === key) return;
      var was = seen[prop] ? seen[prop].value : undefined;
      seen[prop] = { key: key, value: now };
      var fn = st.attrs['$wxs:change:' + prop];
      Promise.resolve().then(function () {
        if (document.contains(el)) runWxs(fn, [toWxs(now), toWxs(was), ownerDescriptor(el), descriptor(el).__wxs]);
      });
    });
  }

  // Fires WeChat event `type` from element `el`; returns the handler names called, in
  // order, each with its event object.
  // `scope`: an owner id whose template the event stays in (a component's triggerEvent
  // without `composed`); undefined: it crosses component boundaries.
  function fire(type, el, detail, touches, only, scope) {
    var path = only ? [el] : pathOf(el);
    if (scope !== undefined) path = path.filter(function (x) { return (state(x).owner || 0) === scope; });
    type = String(type).toLowerCase();
    var calls = [];
    var stopped = false;
    var base = {
      type: type,
      timeStamp: Math.round(performance.now()),
      target: target(el),
      detail: detail || {},
      touches: touches || [],
      changedTouches: touches || []
    };
    function call(current, handler) {
      var event = Object.assign({}, base, { currentTarget: target(current) });
      if (typeof handler.name === 'function') {
        // a WXS handler runs at once, here; returning false stops the event
        var wxsEvent = toWxs(event);
        wxsEvent.nv_instance = descriptor(current).__wxs;
        if (runWxs(handler.name, [wxsEvent, ownerDescriptor(current)]) === false) stopped = true;
        return;
      }
      calls.push({ handler: handler.name, event: event, owner: state(current).owner || 0 });
    }
    // Capture: root first.
    for (var i = path.length - 1; i >= 0 && !stopped; i--) {
      state(path[i]).handlers.forEach(function (h) {
        if (stopped || h.type !== type) return;
        if (h.kind === 'capture-bind' || h.kind === 'capture-catch') call(path[i], h);
        if (h.kind === 'capture-catch') stopped = true;
      });
    }
    // Bubble: target first.
    for (var j = 0; j < path.length && !stopped; j++) {
      state(path[j]).handlers.forEach(function (h) {
        if (stopped || h.type !== type) return;
        if (h.kind === 'bind' || h.kind === 'catch' || h.kind === 'mut-bind') call(path[j], h);
        if (h.kind === 'catch') stopped = true;
      });
    }
    calls.forEach(function (c) { if (listener) listener(c.handler, c.event, c.owner); });
    return calls.map(function (c) { return c.handler; });
  }

  // wx.createAnimation's steps on an element (its `animation` attribute): each step's
  // animates become styles, reached with a CSS transition of the step's option, then the
  // next step. A step's transforms replace the last step's, as in WeChat.
  var LENGTHS = { width: 1, height: 1, top: 1, left: 1, bottom: 1, right: 1 };
  function cssOfStep(animates) {
    var style = {}, transforms = [];
    var px = function (v) { return typeof v === 'number' ? v + 'px' : String(v); };
    var deg = function (v) { return typeof v === 'number' ? v + 'deg' : String(v); };
    animates.forEach(function (a) {
      var args = a.args || [];
      if (a.type === 'opacity') style.opacity = String(args[0]);
      else if (a.type === 'backgroundColor') style['background-color'] = String(args[0]);
      else if (LENGTHS[a.type]) style[a.type] = px(args[0]);
      else if (/^rotate[XYZ]?$/.test(a.type)) transforms.push(a.type + '(' + deg(args[0]) + ')');
      else if (a.type === 'rotate3d') transforms.push('rotate3d(' + args.slice(0, 3).join(',') + ',' + deg(args[3]) + ')');
      else if (/^skew[XY]?$/.test(a.type)) transforms.push(a.type + '(' + args.map(deg).join(',') + ')');
      else if (/^translate/.test(a.type)) transforms.push(a.type + '(' + args.map(px).join(',') + ')');
      else transforms.push(a.type + '(' + args.join(',') + ')');
    });
    if (transforms.length) style.transform = transforms.join(' ');
    return style;
  }
  function playAnimation(el, exported) {
    var st = state(el);
    var run = (st.animationRun || 0) + 1;
    st.animationRun = run;
    var actions = (exported && exported.actions) || [];
    (function next(i) {
      if (st.animationRun !== run || i >= actions.length) return;
      var action = actions[i], t = (action.option && action.option.transition) || {};
      var duration = Number(t.duration) || 0, delay = Number(t.delay) || 0;
      el.style.transition = duration || delay ? 'all ' + duration + 'ms ' + (t.timingFunction || 'linear') + ' ' + delay + 'ms' : 'none';
      if (action.option && action.option.transformOrigin) el.style.transformOrigin = action.option.transformOrigin;
      var style = cssOfStep(action.animates || []);
      // (the transition starts from what is drawn now)
      void el.offsetWidth;
      Object.keys(style).forEach(function (name) { el.style.setProperty(name, style[name]); });
      setTimeout(function () { next(i + 1); }, duration + delay);
    })(0);
  }

  // An animated style (wx.worklet's applyAnimatedStyle): inline styles on the owner's
  // elements that `selector` names; a number is px, except for unitless properties.
  var UNITLESS = /^(opacity|zIndex|flex|flexGrow|flexShrink|fontWeight|lineHeight|order|scale)$/;
  function animatedStyle(m) {
    ownedBy(m.selector, m.owner || 0).forEach(function (el) {
      var given = el.__superappAnimated || {};
      Object.keys(given).forEach(function (name) { if (!m.style || !(name in m.style)) el.style.removeProperty(given[name]); });
      var now = {};
      Object.keys(m.style || {}).forEach(function (name) {
        var css = name.replace(/[A-Z]/g, function (c) { return '-' + c.toLowerCase(); });
        var value = m.style[name];
        el.style.setProperty(css, typeof value === 'number' && !UNITLESS.test(name) ? value + 'px' : String(value));
        now[name] = css;
      });
      el.__superappAnimated = now;
    });
  }

  function touchOf(e) {
    return [{ identifier: 0, pageX: e.pageX, pageY: e.pageY, clientX: e.clientX, clientY: e.clientY }];
  }

  window.__wxmlRender = Object.freeze({
    /** Renders `tree` into `container` (replacing what was there). */
    mount: function (container, tree, route) {
      container.textContent = '';
      pageOwner = { id: 0, path: route };
      root = create(tree, pageOwner);
      rootNode = tree;
      container.appendChild(root);
      flushCreated();
      return root;
    },
    /** Patches the mounted tree to show `tree`. */
    patch: function (tree) {
      root = patch(root, rootNode, tree, pageOwner);
      rootNode = tree;
      flushCreated();
      return root;
    },
    /** Receives every handler call: fn(handlerName, event, owner), owner 0 for the page or
     *  the component instance whose template has the handler. */
    onEvent: function (fn) { listener = fn; },
    /** Receives the messages for the logic layer's component instances. */
    onComponent: function (fn) { componentSink = fn; },
    /** A component message from the logic layer: its data, or an event it triggered.
     *  Returns the setData number drawn (data), if any. */
    component: function (m) {
      if (m.kind === 'observe') { observe(m); return undefined; }
      if (m.kind === 'animate') { animate(m); return undefined; }
      if (m.kind === 'style') { animatedStyle(m); return undefined; }
      if (m.kind === 'canvas') { window.__superappCanvasFrame(m); return undefined; }
      if (m.kind === 'canvasDraw') {
        // (WeChat's compiler gives `canvas-id` as canvasId)
        var target = ownedBy('wx-canvas', m.owner || 0).filter(function (el) {
          var a = el.__wx.attrs || {};
          return String(a.canvasId !== undefined ? a.canvasId : a['canvas-id']) === String(m.canvasId);
        })[0];
        var surface = target && target.__wx && target.__wx.inners && target.__wx.inners.main;
        if (surface) window.__superappCanvasReplay(surface, m.ops || [], m.reserve);
        else console.warn('[superapp] canvas-id ' + m.canvasId + ' is not on the page');
        componentSink({ kind: 'animated', animation: m.animation });
        return undefined;
      }
      if (m.kind === 'media') {
        var host = ownedBy('#' + CSS.escape(String(m.id)), m.owner || 0)[0];
        var why = window.__superappMediaCall(host, m.method, m.args || []);
        if (why) console.warn('[superapp] VideoContext ' + m.id + '.' + m.method + ': ' + why);
        return undefined;
      }
      if (m.kind === 'clearAnimation') {
        ownedBy(m.selector, m.owner || 0).forEach(function (el) {
          if (el.getAnimations) el.getAnimations().forEach(function (a) { a.cancel(); });
        });
        componentSink({ kind: 'animated', animation: m.animation });
        return undefined;
      }
      if (m.kind === 'unobserve') { unobserve(m.observer); return undefined; }
      var el = instances[m.id];
      if (!el) return undefined;
      var c = state(el).comp;
      if (m.kind === 'data') {
        if (m.externalClasses) c.external = m.externalClasses;
        if (m.first && !c.isolation) {
          c.isolation = isolationOf(c.path, m.styleOptions);
          c.prefix = c.isolation === 'shared' ? '' : prefixOf(c.path);
          var styleKey = c.path + '|' + c.prefix;
          if (!styled[styleKey] && window.__wxmlComponentStyles && window.__wxmlComponentStyles[c.path]) {
            styled[styleKey] = true;
            window.__wxmlComponentStyles[c.path](c.prefix);
          }
        }
        // (a component is drawn from its first data on, never from a part of it)
        if (!c.data && !m.first) {
          c.early = c.early || {};
          Object.keys(m.data || {}).forEach(function (key) { window.__wxmlDataPath.set(c.early, key, m.data[key]); });
          return m.seq;
        }
        if (!c.data) c.data = c.early || {};
        Object.keys(m.data || {}).forEach(function (key) { window.__wxmlDataPath.set(c.data, key, m.data[key]); });
        drawComponent(el);
        flushCreated();
        return m.seq;
      }
      if (m.kind === 'trigger') {
        // Without bubbles only the host's own handlers hear it.
        // Without composed it stays in its owner's template.
        fire(m.name, el, m.detail, [], !m.bubbles, m.composed ? undefined : state(el).owner || 0);
      }
      return undefined;
    },
    /** The elements under `scope` (an element, or a component instance's id) that a WXML
     *  selector matches, `>>>` crossing into components, class names as each template
     *  writes them. */
    select: selectFrom,
    /** Fires a WeChat event from an element (for tests and automation). */
    fire: fire,
    /** The dataset of a rendered element, with its JS types. */
    dataset: function (el) { return JSON.parse(JSON.stringify(state(el).dataset)); }
  });

  // The WXML element a DOM node belongs to (an input's wx-input, a text node's element).
  function wxElement(node) {
    for (var n = node; n && n !== document; n = n.parentNode) {
      if (n.nodeType === 1 && n.__wx) return n;
    }
    return null;
  }

  // A mouse click is a tap, as in WeChat DevTools. A navigator's tap also navigates.
  document.addEventListener('click', function (e) {
    if (!root || !root.contains(e.target)) return;
    var el = wxElement(e.target);
    if (!el) return;
    if (suppressTap) {
      suppressTap = false;
      return;
    }
    fire('tap', el, { x: e.pageX, y: e.pageY }, touchOf(e));
    for (var n = el; n && n !== root.parentNode; n = n.parentNode) {
      if (n.localName === 'wx-navigator') {
        navigate(state(n).attrs);
        break;
      }
    }
  });

  // <navigator url open-type delta>: the routing API of its open-type, from this page.
  function navigate(attrs) {
    if (!window.wx) return;
    var type = attrs['open-type'] || 'navigate';
    var api = { navigate: 'navigateTo', redirect: 'redirectTo', switchTab: 'switchTab', reLaunch: 'reLaunch', navigateBack: 'navigateBack' }[type];
    if (!api) return;
    var opts = api === 'navigateBack' ? { delta: Number(attrs.delta || 1) } : { url: String(attrs.url || '') };
    opts.fail = function (res) { console.warn('[superapp] navigator: ' + res.errMsg); };
    window.wx[api](opts);
  }

  // The mouse as a finger: mousedown, mousemove (while pressed) and mouseup are
  // touchstart, touchmove and touchend; held still for 350 ms it is a longpress (and the
  // click that ends it is then no tap when a longpress handler took it, as in WeChat).
  var press = null;
  document.addEventListener('mousedown', function (e) {
    var el = wxElement(e.target);
    if (!el || !root || !root.contains(el)) return;
    press = { el: el, x: e.pageX, y: e.pageY, longpressed: false };
    fire('touchstart', el, {}, touchOf(e));
    var current = press;
    current.timer = setTimeout(function () {
      if (press !== current) return;
      current.longpressed = fire('longpress', el, { x: current.x, y: current.y }, touchOf(e)).length > 0;
    }, 350);
  });
  document.addEventListener('mousemove', function (e) {
    if (!press) return;
    if (Math.abs(e.pageX - press.x) > 10 || Math.abs(e.pageY - press.y) > 10) clearTimeout(press.timer);
    fire('touchmove', press.el, {}, touchOf(e));
  });
  document.addEventListener('mouseup', function (e) {
    if (!press) return;
    clearTimeout(press.timer);
    fire('touchend', press.el, {}, touchOf(e));
    suppressTap = press.longpressed;
    press = null;
  });
  var suppressTap = false;

  // CSS transitions and animations: WeChat's transitionend, animationstart,
  // animationiteration and animationend, from the element they ran on.
  ['transitionend', 'animationstart', 'animationiteration', 'animationend'].forEach(function (type) {
    document.addEventListener(type, function (e) {
      var el = wxElement(e.target);
      if (!el || !root || !root.contains(el) || el !== e.target) return;
      fire(type, el, { propertyName: e.propertyName, animationName: e.animationName, elapsedTime: e.elapsedTime }, []);
    });
  });

  // Typing in an input or textarea: its `input` event, with detail.value.
  document.addEventListener('input', function (e) {
    var el = wxElement(e.target);
    if (!el || !root || !root.contains(el)) return;
    if (el.localName !== 'wx-input' && el.localName !== 'wx-textarea') return;
    fire('input', el, { value: e.target.value, cursor: e.target.selectionStart || 0, keyCode: 0 }, []);
  });
})();
