// superapp-shell: WeChat's built-in components with behaviour of their own, for the render
// layer (render.js). Each is a function (element, attributes) that render.js runs when
// the element is made and when its attributes or children change; it may add inner
// elements the template does not know (kept apart from the template's children) and fire
// WeChat's events with their `detail`, as WeChat does:
//   switch, checkbox (+ checkbox-group), radio (+ radio-group)  change {value}
//   slider                                                        changing, change {value}
//   swiper (+ swiper-item)                                        change {current, source}
//   scroll-view                          scroll, scrolltoupper, scrolltolower
//   picker (selector, multiSelector, date, time)                  change {value}, cancel
//   form (button form-type="submit" | "reset")                   submit {value}, reset
//   label (a tap on it is a tap on its control), progress, icon, rich-text
//   movable-view (in a movable-area)                              change {x, y, source}
//   picker-view (+ picker-view-column)                    pickstart, pickend, change {value}
//   scroll-view's refresher      refresherpulling, refresherrefresh, refresherrestore, refresherabort
// Their look (components.css) follows WeChat's defaults, with WeUI (MIT) as the reference.
(function () {
  'use strict';
  if (window.__wxmlControls) return;

  function truthy(value) {
    return value !== undefined && value !== null && value !== false && value !== 'false';
  }
  function number(value, fallback) {
    var n = Number(value);
    return value === undefined || value === null || value === '' || isNaN(n) ? fallback : n;
  }
  function text(value) { return value === undefined || value === null ? '' : String(value); }

  /** The controls, given render.js's helpers: ctx.state(el), ctx.inner(el, tag, key),
   *  ctx.fire(type, el, detail), ctx.kids(el) (the template children). */
  window.__wxmlControls = function (ctx) {
    // Adds a DOM listener once per element.
    function once(el, type, fn, options) {
      var st = ctx.state(el);
      st.listening = st.listening || {};
      if (st.listening[type]) return;
      st.listening[type] = true;
      el.addEventListener(type, fn, options);
    }
    // The nearest enclosing element named `tag` (a checkbox's group, a button's form).
    function closest(el, tag) {
      for (var n = el.parentNode; n && n.nodeType === 1; n = n.parentNode) if (n.localName === tag) return n;
      return null;
    }
    function descendants(el, tag) {
      return Array.prototype.filter.call(el.getElementsByTagName(tag), function (n) { return !!n.__wx; });
    }
    function attrs(el) { return ctx.state(el).attrs || {}; }
    function disabled(el) { return truthy(attrs(el).disabled); }

    // A boolean control's state: its `checked` attribute when that changes, else its own.
    function checked(el, a) {
      var st = ctx.state(el);
      var given = truthy(a.checked);
      if (st.checkedAttr !== given) {
        st.checkedAttr = given;
        st.checked = given;
      }
      return st.checked;
    }

    function check(el) {
      var st = ctx.state(el);
      el.classList.toggle('wx-checked', !!st.checked);
    }

    // The value of a named field of a form.
    function fieldValue(el) {
      var st = ctx.state(el);
      switch (el.localName) {
        case 'wx-input':
        case 'wx-textarea':
          return st.inner ? st.inner.value : text(attrs(el).value);
        case 'wx-switch':
          return !!st.checked;
        case 'wx-slider':
          return st.value;
        case 'wx-picker':
          return st.value;
        case 'wx-checkbox-group':
          return descendants(el, 'wx-checkbox').filter(function (c) { return ctx.state(c).checked; })
            .map(function (c) { return text(attrs(c).value); });
        case 'wx-radio-group':
          var on = descendants(el, 'wx-radio').filter(function (r) { return ctx.state(r).checked; })[0];
          return on ? text(attrs(on).value) : '';
        default:
          return undefined;
      }
    }

    function submit(form, reset) {
      var value = {};
      var fields = form.querySelectorAll('*');
      for (var i = 0; i < fields.length; i++) {
        var el = fields[i];
        if (!el.__wx || attrs(el).name === undefined) continue;
        if (reset) {
          var st = ctx.state(el);
          st.checked = st.checkedAttr;
          if (st.inner && (el.localName === 'wx-input' || el.localName === 'wx-textarea')) st.inner.value = text(attrs(el).value);
          if (el.localName === 'wx-slider') st.value = number(attrs(el).value, number(attrs(el).min, 0));
          if (controls[el.localName]) controls[el.localName](el, attrs(el));
          descendants(el, 'wx-checkbox').concat(descendants(el, 'wx-radio')).forEach(function (c) {
            var s = ctx.state(c);
            s.checked = s.checkedAttr;
            check(c);
          });
        } else {
          var v = fieldValue(el);
          if (v !== undefined) value[String(attrs(el).name)] = v;
        }
      }
      if (reset) ctx.fire('reset', form, {});
      else ctx.fire('submit', form, { value: value, formId: '' });
    }

    // A checkbox or radio (or switch) in a label or group: a tap toggles it.
    function toggle(el) {
      if (disabled(el)) return;
      var st = ctx.state(el);
      if (el.localName === 'wx-radio') {
        if (st.checked) return;
        var group = closest(el, 'wx-radio-group');
        if (group) descendants(group, 'wx-radio').forEach(function (r) { ctx.state(r).checked = false; check(r); });
        st.checked = true;
        check(el);
        if (group) ctx.fire('change', group, { value: text(attrs(el).value) });
        return;
      }
      st.checked = !st.checked;
      check(el);
      if (el.localName === 'wx-switch') {
        ctx.fire('change', el, { value: st.checked });
        return;
      }
      var boxes = closest(el, 'wx-checkbox-group');
      if (boxes) ctx.fire('change', boxes, { value: fieldValue(boxes) });
    }

    // A checkbox or radio: its box, its colour, checked or not; a tap toggles it (in a
    // label, the label's click toggles it, once).
    function checkable(el, a, boxClass) {
      checked(el, a);
      ctx.inner(el, 'span').className = boxClass;
      if (a.color) el.style.setProperty('--wx-check-color', String(a.color));
      check(el);
      el.classList.toggle('wx-disabled', disabled(el));
      once(el, 'click', function (e) { if (!closest(el, 'wx-label')) toggle(el); else e.wxToggled = el; });
    }

    var ICONS = {
      success: ['✔', '#07c160', true], success_no_circle: ['✔', '#07c160', false], info: ['i', '#10aeff', true],
      warn: ['!', '#fa5151', true], waiting: ['◷', '#10aeff', false], cancel: ['✕', '#fa5151', true],
      download: ['↓', '#07c160', false], search: ['⌕', '#b2b2b2', false], clear: ['✕', '#b2b2b2', true]
    };

    var controls = {
      'wx-switch': function (el, a) {
        checked(el, a);
        ctx.inner(el, 'span').className = 'wx-switch-input';
        el.classList.toggle('wx-checkbox-type', a.type === 'checkbox');
        if (a.color) el.style.setProperty('--wx-switch-color', String(a.color));
        check(el);
        el.classList.toggle('wx-disabled', disabled(el));
        // (in a label, the label's click toggles it, once)
        once(el, 'click', function (e) { if (!closest(el, 'wx-label')) toggle(el); else e.wxToggled = el; });
      },
      'wx-checkbox': function (el, a) { checkable(el, a, 'wx-checkbox-input'); },
      'wx-radio': function (el, a) { checkable(el, a, 'wx-radio-input'); },
      'wx-radio-group': function (el) {
        // One radio of a group is checked: when its template checks several, the last.
        var on = descendants(el, 'wx-radio').filter(function (r) { return ctx.state(r).checked; });
        on.slice(0, -1).forEach(function (r) { ctx.state(r).checked = false; check(r); });
      },
      'wx-label': function (el) {
        // A tap on a label is a tap on its control: the one `for` names, else the first
        // inside it.
        once(el, 'click', function (e) {
          var a = attrs(el);
          var target = a['for'] ? document.getElementById(String(a['for'])) : null;
          if (!target) {
            target = el.querySelector('wx-checkbox, wx-radio, wx-switch, wx-button');
          }
          if (target && e.wxToggled && e.wxToggled !== target) target = e.wxToggled;
          if (!target || !target.__wx) return;
          if (target.localName === 'wx-button') { if (!target.contains(e.target)) target.click(); return; }
          toggle(target);
        });
      },
      'wx-slider': function (el, a) {
        var st = ctx.state(el);
        var min = number(a.min, 0), max = number(a.max, 100), step = number(a.step, 1);
        var given = Math.min(max, Math.max(min, number(a.value, min)));
        if (st.valueAttr !== given) {
          st.valueAttr = given;
          st.value = given;
        }
        var range = ctx.inner(el, 'input');
        range.type = 'range';
        range.className = 'wx-slider-input';
        range.min = min;
        range.max = max;
        range.step = step;
        range.disabled = disabled(el);
        if (Number(range.value) !== st.value) range.value = st.value;
        var color = a.activeColor || a.selectedColor || a['active-color'] || '#07c160';
        el.style.setProperty('--wx-slider-active', String(color));
        el.style.setProperty('--wx-slider-fill', ((st.value - min) / ((max - min) || 1) * 100) + '%');
        var shown = ctx.inner(el, 'span', 'value');
        shown.className = 'wx-slider-value';
        shown.textContent = truthy(a['show-value'] || a.showValue) ? String(st.value) : '';
        once(range, 'input', function (e) {
          e.stopPropagation();
          st.value = Number(range.value);
          el.style.setProperty('--wx-slider-fill', ((st.value - min) / ((max - min) || 1) * 100) + '%');
          shown.textContent = truthy(attrs(el)['show-value'] || attrs(el).showValue) ? String(st.value) : '';
          ctx.fire('changing', el, { value: st.value });
        });
        once(range, 'change', function (e) {
          e.stopPropagation();
          st.value = Number(range.value);
          ctx.fire('change', el, { value: st.value });
        });
      },
      'wx-progress': function (el, a) {
        var percent = Math.min(100, Math.max(0, number(a.percent, 0)));
        var bar = ctx.inner(el, 'span');
        bar.className = 'wx-progress-bar';
        var fill = bar.firstChild || bar.appendChild(document.createElement('span'));
        fill.className = 'wx-progress-inner';
        fill.style.width = percent + '%';
        fill.style.backgroundColor = text(a.activeColor || a['active-color'] || a.color) || '#07c160';
        bar.style.backgroundColor = text(a.backgroundColor || a['background-color']) || '#ebebeb';
        bar.style.height = number(a['stroke-width'] || a.strokeWidth, 6) + 'px';
        var info = ctx.inner(el, 'span', 'info');
        info.className = 'wx-progress-info';
        info.textContent = truthy(a['show-info'] || a.showInfo) ? percent + '%' : '';
      },
      'wx-icon': function (el, a) {
        var icon = ICONS[a.type] || ICONS.info;
        var glyph = ctx.inner(el, 'span');
        var size = number(a.size, 23);
        glyph.className = 'wx-icon-glyph' + (icon[2] ? ' wx-icon-circle' : '');
        glyph.textContent = icon[0];
        glyph.style.setProperty('--wx-icon-color', text(a.color) || icon[1]);
        glyph.style.width = glyph.style.height = glyph.style.lineHeight = size + 'px';
        glyph.style.fontSize = Math.round(size * (icon[2] ? 0.6 : 0.9)) + 'px';
      },
      'wx-button': function (el) {
        once(el, 'click', function () {
          var type = attrs(el)['form-type'] || attrs(el).formType;
          if (disabled(el) || (type !== 'submit' && type !== 'reset')) return;
          var form = closest(el, 'wx-form');
          if (form) submit(form, type === 'reset');
        });
      },
      'wx-scroll-view': function (el, a) {
        var st = ctx.state(el);
        var x = truthy(a['scroll-x'] || a.scrollX), y = truthy(a['scroll-y'] || a.scrollY);
        el.style.overflowX = x ? 'auto' : 'hidden';
        el.style.overflowY = y ? 'auto' : 'hidden';
        el.classList.toggle('wx-scroll-x', x);
        var top = a['scroll-top'] !== undefined ? a['scroll-top'] : a.scrollTop;
        var left = a['scroll-left'] !== undefined ? a['scroll-left'] : a.scrollLeft;
        var into = a['scroll-into-view'] || a.scrollIntoView;
        var smooth = truthy(a['scroll-with-animation'] || a.scrollWithAnimation) ? 'smooth' : 'auto';
        // Each position is applied when it changes (the view scrolls freely in between).
        if (top !== undefined && top !== st.lastTop) { st.lastTop = top; el.scrollTo({ top: number(top, 0), behavior: smooth }); }
        if (left !== undefined && left !== st.lastLeft) { st.lastLeft = left; el.scrollTo({ left: number(left, 0), behavior: smooth }); }
        if (into && into !== st.lastInto) {
          st.lastInto = into;
          var target = el.querySelector('#' + CSS.escape(String(into)));
          if (target) {
            var box = el.getBoundingClientRect(), at = target.getBoundingClientRect();
            el.scrollTo({ top: el.scrollTop + at.top - box.top, left: el.scrollLeft + at.left - box.left, behavior: smooth });
          }
        }
        refresher(el, a);
        once(el, 'scroll', function () {
          var last = st.last || { top: 0, left: 0 };
          var now = { top: el.scrollTop, left: el.scrollLeft };
          st.last = now;
          ctx.fire('scroll', el, {
            scrollLeft: now.left, scrollTop: now.top, scrollHeight: el.scrollHeight, scrollWidth: el.scrollWidth,
            deltaX: now.left - last.left, deltaY: now.top - last.top
          });
          var a2 = attrs(el);
          var lower = number(a2['lower-threshold'] || a2.lowerThreshold, 50), upper = number(a2['upper-threshold'] || a2.upperThreshold, 50);
          var atEnd = y ? now.top + el.clientHeight >= el.scrollHeight - lower : now.left + el.clientWidth >= el.scrollWidth - lower;
          var atStart = y ? now.top <= upper : now.left <= upper;
          if (atEnd && !st.atEnd) ctx.fire('scrolltolower', el, { direction: y ? 'bottom' : 'right' });
          if (atStart && !st.atStart && (now.top < last.top || now.left < last.left)) ctx.fire('scrolltoupper', el, { direction: y ? 'top' : 'left' });
          st.atEnd = atEnd;
          st.atStart = atStart;
        });
      },
      'wx-swiper': function (el, a) {
        var st = ctx.state(el);
        var items = ctx.kids(el).filter(function (k) { return k.localName === 'wx-swiper-item'; });
        var count = items.length;
        var given = number(a.current, 0);
        if (st.currentAttr !== given) { st.currentAttr = given; st.current = given; }
        if (!(st.current >= 0)) st.current = 0;
        if (count && st.current >= count) st.current = count - 1;
        var vertical = truthy(a.vertical);
        var duration = number(a.duration, 500);
        items.forEach(function (item, i) {
          item.style.transition = 'transform ' + duration + 'ms ease';
          item.style.transform = (vertical ? 'translateY(' : 'translateX(') + ((i - st.current) * 100) + '%)';
        });
        var dots = ctx.inner(el, 'span');
        dots.className = 'wx-swiper-dots';
        dots.style.display = truthy(a['indicator-dots'] || a.indicatorDots) ? '' : 'none';
        while (dots.childNodes.length > count) dots.removeChild(dots.lastChild);
        while (dots.childNodes.length < count) dots.appendChild(document.createElement('i'));
        Array.prototype.forEach.call(dots.childNodes, function (dot, i) {
          dot.style.backgroundColor = i === st.current ? text(a['indicator-active-color'] || a.indicatorActiveColor) || '#000000' : text(a['indicator-color'] || a.indicatorColor) || 'rgba(0,0,0,.3)';
        });
        st.go = function (to, source) {
          var n = items.length;
          if (!n) return;
          var circular = truthy(attrs(el).circular);
          if (to < 0) to = circular ? n - 1 : 0;
          if (to >= n) to = circular ? 0 : n - 1;
          if (to === st.current) return;
          st.current = to;
          controls['wx-swiper'](el, attrs(el));
          var item = items[to];
          ctx.fire('change', el, { current: to, currentItemId: text(item && attrs(item)['item-id']), source: source });
        };
        clearInterval(st.timer);
        // (a smoke run's still pages, assets/smoke/still.js, do not move by themselves)
        if (truthy(a.autoplay) && count > 1 && !window.__superappStill) {
          st.timer = setInterval(function () {
            if (!document.body.contains(el)) { clearInterval(st.timer); return; }
            st.go(st.current + 1, 'autoplay');
          }, number(a.interval, 5000));
        }
        // A drag of a fifth of its width (or height) moves to the next or previous item.
        once(el, 'mousedown', function (e) {
          var start = { x: e.clientX, y: e.clientY };
          var up = function (u) {
            document.removeEventListener('mouseup', up, true);
            var d = vertical ? u.clientY - start.y : u.clientX - start.x;
            var size = vertical ? el.clientHeight : el.clientWidth;
            if (Math.abs(d) > size / 5) st.go(st.current + (d < 0 ? 1 : -1), 'touch');
          };
          document.addEventListener('mouseup', up, true);
        });
      },
      'wx-picker': function (el, a) {
        var st = ctx.state(el);
        var mode = a.mode || 'selector';
        var key = a['range-key'] || a.rangeKey;
        var range = Array.isArray(a.range) ? a.range : [];
        var label = function (item) { return key && item && typeof item === 'object' ? text(item[key]) : text(item); };
        if (JSON.stringify(st.valueAttr) !== JSON.stringify(a.value)) {
          st.valueAttr = a.value;
          st.value = mode === 'multiSelector' ? (Array.isArray(a.value) ? a.value.slice() : range.map(function () { return 0; }))
            : mode === 'selector' ? number(a.value, 0) : text(a.value);
        }
        var box = ctx.inner(el, 'span');
        box.className = 'wx-picker-native';
        var make = function (tag, i) {
          var n = box.childNodes[i];
          if (!n || n.localName !== tag) {
            n = document.createElement(tag);
            if (box.childNodes[i]) box.replaceChild(n, box.childNodes[i]); else box.appendChild(n);
          }
          return n;
        };
        var columns = mode === 'multiSelector' ? range : mode === 'selector' ? [range] : [];
        if (mode === 'date' || mode === 'time') {
          var input = make('input', 0);
          input.type = mode;
          if (a.start) input.min = text(a.start);
          if (a.end) input.max = text(a.end);
          if (input.value !== st.value) input.value = st.value;
          input.disabled = disabled(el);
          while (box.childNodes.length > 1) box.removeChild(box.lastChild);
          input.onchange = function () { st.value = input.value; ctx.fire('change', el, { value: st.value }); };
          return;
        }
        columns.forEach(function (column, c) {
          var select = make('select', c);
          select.className = 'wx-picker-column';
          var options = (Array.isArray(column) ? column : []).map(label);
          if (select.__options !== JSON.stringify(options)) {
            select.__options = JSON.stringify(options);
            select.textContent = '';
            options.forEach(function (o, i) {
              var opt = document.createElement('option');
              opt.className = 'wx-picker-option';
              opt.value = String(i);
              opt.textContent = o;
              select.appendChild(opt);
            });
          }
          var at = mode === 'multiSelector' ? number(st.value[c], 0) : st.value;
          if (select.selectedIndex !== at) select.selectedIndex = at;
          select.disabled = disabled(el);
          select.onchange = function () {
            var index = select.selectedIndex;
            if (mode === 'multiSelector') {
              st.value[c] = index;
              ctx.fire('columnchange', el, { column: c, value: index });
              ctx.fire('change', el, { value: st.value.slice() });
            } else {
              st.value = index;
              ctx.fire('change', el, { value: index });
            }
          };
        });
        while (box.childNodes.length > columns.length) box.removeChild(box.lastChild);
      },
      'wx-movable-view': function (el, a) {
        var st = ctx.state(el);
        var area = el.parentNode;
        var direction = text(a.direction) || 'none';
        var free = truthy(a['out-of-bounds'] || a.outOfBounds);
        // Where it may go: inside its area (0 when it is larger than the area).
        var bounds = function () {
          var w = (area && area.clientWidth || 0) - el.offsetWidth, h = (area && area.clientHeight || 0) - el.offsetHeight;
          return { minX: Math.min(0, w), maxX: Math.max(0, w), minY: Math.min(0, h), maxY: Math.max(0, h) };
        };
        var clamp = function (v, lo, hi) { return free ? v : Math.min(hi, Math.max(lo, v)); };
        var scale = number(a['scale-value'] || a.scaleValue, 1);
        var draw = function (animated) {
          el.style.transition = animated && truthy(a.animation === undefined ? true : a.animation) ? 'transform .3s' : 'none';
          el.style.transform = 'translate(' + st.x + 'px, ' + st.y + 'px) scale(' + scale + ')';
        };
        // moveTo(x, y, source): within its bounds and its direction; says change when it moved.
        st.moveTo = function (x, y, source, animated) {
          var b = bounds();
          var d = text(attrs(el).direction) || 'none';
          var nx = d === 'all' || d === 'horizontal' || source === '' ? clamp(number(x, st.x), b.minX, b.maxX) : st.x;
          var ny = d === 'all' || d === 'vertical' || source === '' ? clamp(number(y, st.y), b.minY, b.maxY) : st.y;
          if (nx === st.x && ny === st.y) return;
          st.x = nx;
          st.y = ny;
          draw(animated);
          ctx.fire('change', el, { x: nx, y: ny, source: source });
        };
        if (st.x === undefined) { st.x = 0; st.y = 0; }
        // x and y as given (numbers, px): applied when they change, with source ''.
        var given = [parseFloat(a.x) || 0, parseFloat(a.y) || 0].join(',');
        if (st.given !== given) {
          var first = st.given === undefined;
          st.given = given;
          // (its size and its area's are known once it is in the page)
          var apply = function () { st.moveTo(parseFloat(attrs(el).x) || 0, parseFloat(attrs(el).y) || 0, '', !first); };
          if (first) requestAnimationFrame(apply); else apply();
        }
        draw(false);
        el.classList.toggle('wx-movable', direction !== 'none' && !disabled(el));
        // A drag moves it (a person's touch: source 'touch').
        once(el, 'mousedown', function (e) {
          if (disabled(el) || (text(attrs(el).direction) || 'none') === 'none') return;
          e.preventDefault();
          var start = { x: e.clientX, y: e.clientY, atX: st.x, atY: st.y };
          var move = function (m) {
            st.moveTo(start.atX + m.clientX - start.x, start.atY + m.clientY - start.y, 'touch', false);
          };
          var up = function () {
            document.removeEventListener('mousemove', move, true);
            document.removeEventListener('mouseup', up, true);
          };
          document.addEventListener('mousemove', move, true);
          document.addEventListener('mouseup', up, true);
        });
      },
      'wx-picker-view': function (el, a) {
        var st = ctx.state(el);
        // (its rows are measured in the page: a new one is drawn once it is there)
        if (!el.isConnected) {
          requestAnimationFrame(function () { if (el.isConnected) controls['wx-picker-view'](el, attrs(el)); });
          return;
        }
        var columns = ctx.kids(el).filter(function (k) { return k.localName === 'wx-picker-view-column'; });
        // Each row is as tall as the indicator (its indicator-style height, else the
        // first row's own height); the selected row sits under it, in the middle.
        var style = text(a['indicator-style'] || a.indicatorStyle);
        var fromStyle = /(?:^|;)\s*height\s*:\s*([\d.]+)px/.exec(style);
        var firstRow = columns.length && ctx.kids(columns[0])[0];
        var row = fromStyle ? Number(fromStyle[1]) : firstRow && firstRow.offsetHeight || 34;
        st.row = row;
        var indicator = ctx.inner(el, 'span', 'indicator');
        indicator.className = 'wx-picker-view-indicator ' + text(a['indicator-class'] || a.indicatorClass);
        indicator.setAttribute('style', style);
        indicator.style.height = row + 'px';
        indicator.style.top = 'calc(50% - ' + row / 2 + 'px)';
        var mask = ctx.inner(el, 'span', 'mask');
        mask.className = 'wx-picker-view-mask ' + text(a['mask-class'] || a.maskClass);
        mask.setAttribute('style', text(a['mask-style'] || a.maskStyle));
        var values = Array.isArray(a.value) ? a.value : [];
        var givenKey = JSON.stringify(values);
        var changed = st.givenKey !== givenKey;
        st.givenKey = givenKey;
        st.values = function () {
          return columns.map(function (col) {
            var n = ctx.kids(col).length;
            return Math.max(0, Math.min(n - 1, Math.round(col.scrollTop / row)));
          });
        };
        // (the rows it last said, or its value said: a change is only a new choice)
        if (changed) st.last = JSON.stringify(columns.map(function (col, i) {
          return Math.max(0, Math.min(ctx.kids(col).length - 1, number(values[i], 0)));
        }));
        columns.forEach(function (col, i) {
          col.style.setProperty('--wx-picker-row', row + 'px');
          ctx.kids(col).forEach(function (item) { item.style.height = row + 'px'; item.classList.add('wx-picker-view-item'); });
          // (room above and below, so the first and last rows can come to the middle)
          var room = Math.max(0, (el.clientHeight - row) / 2) + 'px';
          if (col.style.paddingTop !== room) { col.style.paddingTop = room; col.style.paddingBottom = room; }
          if (changed || col.__wxPickerFresh === undefined) {
            col.__wxPickerFresh = false;
            col.scrollTop = number(values[i], 0) * row;
          }
          // When a column comes to rest on a row, change says every column's row.
          var cst = ctx.state(col);
          if (cst.pickerWired) return;
          cst.pickerWired = true;
          col.addEventListener('scroll', function () {
            if (!st.started) { st.started = true; ctx.fire('pickstart', el, {}); }
            clearTimeout(st.timer);
            st.timer = setTimeout(function () {
              st.started = false;
              var now = JSON.stringify(st.values());
              ctx.fire('pickend', el, {});
              if (now === st.last) return;
              st.last = now;
              ctx.fire('change', el, { value: JSON.parse(now) });
            }, 120);
          });
          // A drag moves the rows, as a finger does (the wheel scrolls them as it is).
          col.addEventListener('mousedown', function (e) {
            var startY = e.clientY, startTop = col.scrollTop;
            var move = function (m) { col.scrollTop = startTop - (m.clientY - startY); };
            var up = function () {
              document.removeEventListener('mousemove', move, true);
              document.removeEventListener('mouseup', up, true);
            };
            document.addEventListener('mousemove', move, true);
            document.addEventListener('mouseup', up, true);
          });
        });
      },
      'wx-canvas': function (el) {
        // The surface; its pixel size is set by what draws on it (canvas.js).
        var canvas = ctx.inner(el, 'canvas');
        canvas.className = 'wx-canvas-surface';
      },
      'wx-audio': function (el, a) {
        // (WeChat's old audio component: its src plays in a player with its controls, its
        // name and author beside)
        var st = ctx.state(el);
        var audio = ctx.inner(el, 'audio');
        var src = text(a.src);
        if (st.mediaSrc !== src) {
          st.mediaSrc = src;
          window.__superappMediaSrc(src, function (url) { if (st.mediaSrc === src) audio.setAttribute('src', url); });
        }
        audio.controls = truthy(a.controls);
        audio.loop = truthy(a.loop);
        var label = ctx.inner(el, 'span', 'label');
        label.className = 'wx-audio-label';
        label.textContent = [text(a.name), text(a.author)].filter(Boolean).join(' · ');
        mediaEvents(el, audio, 'audio');
      },
      'wx-video': function (el, a) {
        var st = ctx.state(el);
        var video = ctx.inner(el, 'video');
        video.className = 'wx-video-player';
        var src = text(a.src);
        if (st.mediaSrc !== src) {
          st.mediaSrc = src;
          window.__superappMediaSrc(src, function (url) {
            if (st.mediaSrc !== src) return;
            video.setAttribute('src', url);
            if (a['initial-time'] || a.initialTime) video.currentTime = number(a['initial-time'] || a.initialTime, 0);
            if (st.playWhenReady) { st.playWhenReady = false; video.play().catch(function () {}); }
          });
        }
        video.controls = a.controls === undefined ? true : truthy(a.controls);
        video.loop = truthy(a.loop);
        video.muted = truthy(a.muted);
        video.autoplay = truthy(a.autoplay);
        if (a.poster) video.poster = text(a.poster); else video.removeAttribute('poster');
        video.style.objectFit = { contain: 'contain', fill: 'fill', cover: 'cover' }[a['object-fit'] || a.objectFit] || 'contain';
        if (mediaEvents(el, video, 'video')) {
          video.addEventListener('waiting', function () { ctx.fire('waiting', el, {}); });
          video.addEventListener('loadedmetadata', function () {
            ctx.fire('loadedmetadata', el, { width: video.videoWidth, height: video.videoHeight, duration: video.duration });
          });
        }
      },
      'wx-rich-text': function (el, a) {
        var st = ctx.state(el);
        var nodes = a.nodes;
        var key = JSON.stringify(nodes === undefined ? null : nodes);
        if (st.nodesKey === key) return;
        st.nodesKey = key;
        var box = ctx.inner(el, 'span');
        box.className = 'wx-rich-text';
        box.textContent = '';
        if (typeof nodes === 'string') {
          var doc = new DOMParser().parseFromString('<body>' + nodes + '</body>', 'text/html');
          Array.prototype.forEach.call(doc.body.childNodes, function (n) { var c = clean(n); if (c) box.appendChild(c); });
        } else if (Array.isArray(nodes)) {
          nodes.forEach(function (n) { var c = build(n); if (c) box.appendChild(c); });
        }
      }
    };

    // WeChat's media events of a video or audio (timeupdate about four times a second),
    // wired once; true when they were wired now.
    function mediaEvents(el, media, kind) {
      var st = ctx.state(el);
      if (st.mediaWired) return false;
      st.mediaWired = true;
      var lastUpdate = 0;
      ['play', 'pause', 'ended'].forEach(function (type) {
        media.addEventListener(type, function () { ctx.fire(type, el, {}); });
      });
      media.addEventListener('timeupdate', function () {
        if (Date.now() - lastUpdate < 250) return;
        lastUpdate = Date.now();
        ctx.fire('timeupdate', el, { currentTime: media.currentTime, duration: media.duration });
      });
      media.addEventListener('error', function () {
        var error = media.error;
        var why = 'MEDIA_ERR ' + (error ? error.code + ' ' + (error.message || '') : 'unknown');
        unplayable(el, kind, why);
        ctx.fire('error', el, { errMsg: why });
      });
      media.addEventListener('loadeddata', function () { unplayable(el, kind, null); });
      return true;
    }

    // A video or audio whose source WebKit cannot play (no codec, unreachable) shows
    // so over the player, naming the reason; `why` null: it plays, the note goes.
    function unplayable(el, kind, why) {
      var note = ctx.inner(el, 'span', 'unplayable');
      note.className = 'wx-media-unplayable';
      note.textContent = why ? 'This ' + kind + ' cannot play here (' + why.trim() + ')' : '';
      note.style.display = why ? '' : 'none';
    }

    // A scroll-view's custom refresher (refresher-enabled): pulled down past its
    // threshold at the top (a drag, or the wheel), it says refresherpulling, then
    // refresherrefresh and shows itself until `refresher-triggered` is false again
    // (refresherrestore); refresherabort when let go short of it.
    function refresher(el, a) {
      var st = ctx.state(el);
      var on = truthy(a['refresher-enabled'] || a.refresherEnabled);
      var box = ctx.inner(el, 'div', 'refresher');
      box.className = 'wx-refresher';
      box.style.display = on ? '' : 'none';
      box.style.backgroundColor = text(a['refresher-background'] || a.refresherBackground) || '#ffffff';
      var threshold = number(a['refresher-threshold'] || a.refresherThreshold, 45);
      var triggered = truthy(a['refresher-triggered'] || a.refresherTriggered);
      // refresher-default-style="none": the template's own `slot="refresher"` child is
      // what shows, in the pulled space; else the default dots (black or white).
      var style = text(a['refresher-default-style'] || a.refresherDefaultStyle) || 'black';
      el.classList.toggle('wx-refresher-custom', style === 'none');
      box.classList.toggle('wx-refresher-white', style === 'white');
      var show = function (px, animated) {
        box.style.transition = animated ? 'height .3s' : 'none';
        box.style.height = px + 'px';
        el.classList.toggle('wx-refresher-open', px > 0);
      };
      if (!on) return;
      if (triggered && !st.refreshing) { st.refreshing = true; show(threshold, true); }
      if (!triggered && st.triggeredAttr && st.refreshing) {
        st.refreshing = false;
        show(0, true);
        ctx.fire('refresherrestore', el, {});
      }
      st.triggeredAttr = triggered;
      var pull = function (dy) {
        st.pulled = Math.max(0, dy);
        show(Math.min(st.pulled, threshold * 2), false);
        ctx.fire('refresherpulling', el, { dy: st.pulled });
      };
      var release = function () {
        if (st.pulled >= threshold) {
          st.refreshing = true;
          show(threshold, true);
          ctx.fire('refresherrefresh', el, { dy: st.pulled });
        } else {
          show(0, true);
          if (st.pulled > 0) ctx.fire('refresherabort', el, { dy: st.pulled });
        }
        st.pulled = 0;
      };
      st.pullBy = function (dy) { pull(dy); release(); };
      once(el, 'mousedown', function (e) {
        if (!truthy(attrs(el)['refresher-enabled'] || attrs(el).refresherEnabled) || el.scrollTop > 0 || st.refreshing) return;
        var startY = e.clientY;
        var move = function (m) { if (m.clientY - startY > 0) pull(m.clientY - startY); };
        var up = function () {
          document.removeEventListener('mousemove', move, true);
          document.removeEventListener('mouseup', up, true);
          if (st.pulled > 0) release();
        };
        document.addEventListener('mousemove', move, true);
        document.addEventListener('mouseup', up, true);
      });
      // (the wheel pulling up past the top: a desktop's pull)
      once(el, 'wheel', function (e) {
        if (!truthy(attrs(el)['refresher-enabled'] || attrs(el).refresherEnabled) || el.scrollTop > 0 || st.refreshing || e.deltaY >= 0) return;
        pull((st.pulled || 0) - e.deltaY);
        clearTimeout(st.wheelTimer);
        st.wheelTimer = setTimeout(release, 150);
      });
    }

    // rich-text: HTML without scripts, event attributes or links that navigate.
    var REFUSED = { script: 1, iframe: 1, object: 1, embed: 1, link: 1, meta: 1, style: 1, form: 1, input: 1, textarea: 1, select: 1, button: 1 };
    function safeAttrs(from, to) {
      Object.keys(from || {}).forEach(function (name) {
        var value = String(from[name]);
        if (/^on/i.test(name) || name === 'href' || /^\s*javascript:/i.test(value)) return;
        try { to.setAttribute(name, value); } catch (err) { /* a name the DOM refuses */ }
      });
    }
    function clean(n) {
      if (n.nodeType === 3) return document.createTextNode(n.nodeValue);
      if (n.nodeType !== 1 || REFUSED[n.localName]) return null;
      var el = document.createElement(n.localName);
      var map = {};
      Array.prototype.forEach.call(n.attributes, function (at) { map[at.name] = at.value; });
      safeAttrs(map, el);
      Array.prototype.forEach.call(n.childNodes, function (c) { var k = clean(c); if (k) el.appendChild(k); });
      return el;
    }
    function build(node) {
      if (!node || typeof node !== 'object') return null;
      if (node.type === 'text') return document.createTextNode(text(node.text));
      var name = String(node.name || 'span').toLowerCase();
      if (!/^[a-z][a-z0-9-]*$/.test(name) || REFUSED[name]) return null;
      var el = document.createElement(name);
      safeAttrs(node.attrs, el);
      (node.children || []).forEach(function (c) { var k = build(c); if (k) el.appendChild(k); });
      return el;
    }

    return controls;
  };
})();
