//! The shell's own drawing around pages: navigation bar, tab bar, toast and loading,
//! modal. GTK widgets; every click becomes a [`UserEvent::Clicked`] for the event loop.

use gtk::prelude::*;
use serde_json::{json, Value};
use tao::event_loop::EventLoopProxy;

use super::action_sheet::ActionSheet;
use super::image_viewer::ImageViewer;
use super::notice::Notice;
use super::user_event::{Control, UserEvent};
use crate::core::app_config::{NavigationStyle, PageWindow, TabBar, TextStyle};

/// What the navigation bar shows for one page.
#[derive(Debug, Clone, PartialEq)]
pub struct NavState {
    /// The title.
    pub title: String,
    /// The bar colour.
    pub background: String,
    /// The title and button colour (`#000000` or `#ffffff`).
    pub front: String,
    /// The page background.
    pub page_background: String,
    /// The page draws its own bar (`navigationStyle: "custom"`): the shell's is hidden.
    pub custom: bool,
}

impl NavState {
    /// The bar of a page as its config sets it.
    pub fn from_window(window: &PageWindow) -> NavState {
        NavState {
            title: window.navigation_bar_title_text.clone(),
            background: window.navigation_bar_background_color.clone(),
            front: match window.navigation_bar_text_style {
                TextStyle::Black => "#000000".into(),
                TextStyle::White => "#ffffff".into(),
            },
            page_background: window.background_color.clone(),
            custom: window.navigation_style == NavigationStyle::Custom,
        }
    }
}

/// Which overlay message is showing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    /// `showToast`.
    Toast,
    /// `showLoading`.
    Loading,
}

/// The chrome's widgets.
pub struct Chrome {
    nav_bar: gtk::Box,
    nav_title: gtk::Label,
    back: gtk::Button,
    /// The container of the page webviews (only the top one is visible).
    pub pages: gtk::Box,
    toast: gtk::Box,
    toast_icon: gtk::Label,
    toast_text: gtk::Label,
    spinner: gtk::Spinner,
    mask: gtk::EventBox,
    modal_layer: gtk::EventBox,
    modal_title: gtk::Label,
    modal_content: gtk::Label,
    modal_cancel: gtk::Button,
    modal_confirm: gtk::Button,
    tabbar: gtk::Box,
    tabs: Vec<gtk::Button>,
    tab_bar: Option<TabBar>,
    /// Each tab's text, badge (`Some("•")` for a red dot) and whether the bar was hidden
    /// (`wx.setTabBarBadge` and the like: core::tab_bar_call).
    tab_texts: Vec<String>,
    tab_badges: Vec<Option<String>>,
    tabs_hidden: bool,
    css: gtk::CssProvider,
    nav: NavState,
    selected_tab: Option<usize>,
    toast_kind: Option<ToastKind>,
    /// The pull-down refresh indicator above the page.
    refresh: gtk::Box,
    refresh_spinner: gtk::Spinner,
    nav_capsule: Capsule,
    page_capsule: Capsule,
    /// `wx.showActionSheet`'s sheet.
    pub action_sheet: ActionSheet,
    /// What the shell did on its own (a restart), at the top of the page area.
    pub notice: Notice,
    /// `wx.previewImage`'s viewer.
    pub image_viewer: ImageViewer,
}

const BASE_CSS: &str = "
#toast { background-color: rgba(17,17,17,0.85); border-radius: 10px; padding: 14px 18px; }
#toast label { color: #ffffff; font-size: 15px; }
#toast-icon { font-size: 28px; }
#modal-layer { background-color: rgba(0,0,0,0.45); }
#modal { background-color: #ffffff; border-radius: 12px; padding: 18px 18px 8px 18px; }
#modal-title { font-weight: bold; font-size: 16px; color: #111111; }
#modal-content { color: #555555; }
#mask { background-color: rgba(0,0,0,0); }
#nav button { background-image: none; border: none; box-shadow: none; padding: 0 8px; }
#tabbar button { background-image: none; border: none; box-shadow: none; border-radius: 0; }
.capsule { background-color: rgba(255,255,255,0.6); border: 1px solid rgba(0,0,0,0.1); border-radius: 16px; }
.capsule button { background-image: none; border: none; box-shadow: none; padding: 0 10px; min-height: 0; margin: 0; color: #000000; }
.capsule button label { color: #000000; font-weight: bold; }
";

/// What a button runs when clicked.
type OnClick = Box<dyn Fn(&gtk::Button)>;

/// WeChat's capsule: 87 x 32 px, 7 px from the right edge.
const CAPSULE_SIZE: (i32, i32) = (87, 32);

/// The capsule ("···" and close), on the right of the bar or, when the page draws its own
/// bar, over the page's top right corner, as in WeChat.
struct Capsule {
    frame: gtk::Box,
    menu: gtk::Button,
    close: gtk::Button,
    popover: gtk::Popover,
    restart: gtk::Button,
}

impl Capsule {
    fn new(send: &dyn Fn(Control) -> OnClick) -> Capsule {
        let frame = gtk::Box::new(gtk::Orientation::Horizontal, 0);
        frame.style_context().add_class("capsule");
        frame.set_size_request(CAPSULE_SIZE.0, CAPSULE_SIZE.1);
        frame.set_valign(gtk::Align::Center);
        frame.set_halign(gtk::Align::End);
        frame.set_margin_end(7);
        let menu = gtk::Button::with_label("···");
        let close = gtk::Button::with_label("✕");
        close.connect_clicked(send(Control::CapsuleClose));
        frame.pack_start(&menu, true, true, 0);
        frame.pack_start(&close, true, true, 0);
        let popover = gtk::Popover::new(Some(&menu));
        let restart = gtk::Button::with_label("Restart");
        restart.connect_clicked(send(Control::CapsuleRestart));
        popover.add(&restart);
        restart.show();
        let shown = popover.clone();
        menu.connect_clicked(move |_| shown.popup());
        Capsule { frame, menu, close, popover, restart }
    }
}

impl Chrome {
    /// Builds the chrome into the window's box.
    pub fn new(vbox: &gtk::Box, tab_bar: Option<TabBar>, proxy: EventLoopProxy<UserEvent>) -> Chrome {
        let send = move |control: Control| {
            let proxy = proxy.clone();
            move |_: &gtk::Button| {
                let _ = proxy.send_event(UserEvent::Clicked(control.clone()));
            }
        };

        let nav = gtk::Box::new(gtk::Orientation::Horizontal, 0);
        nav.set_widget_name("nav");
        nav.set_size_request(-1, 44);
        let back = gtk::Button::with_label("‹ Back");
        back.connect_clicked(send(Control::Back));
        let nav_title = gtk::Label::new(None);
        nav_title.set_widget_name("nav-title");
        nav_title.set_ellipsize(gtk::pango::EllipsizeMode::End);
        let send_boxed = |control: Control| -> OnClick { Box::new(send(control)) };
        let nav_capsule = Capsule::new(&send_boxed);
        let page_capsule = Capsule::new(&send_boxed);
        let spacer = gtk::Box::new(gtk::Orientation::Horizontal, 0);
        spacer.set_size_request(72, -1);
        spacer.pack_end(&nav_capsule.frame, false, false, 0);
        let back_slot = gtk::Box::new(gtk::Orientation::Horizontal, 0);
        back_slot.set_size_request(72, -1);
        back_slot.pack_start(&back, false, false, 0);
        nav.pack_start(&back_slot, false, false, 0);
        nav.pack_start(&nav_title, true, true, 0);
        nav.pack_start(&spacer, false, false, 0);

        let overlay = gtk::Overlay::new();
        let pages = gtk::Box::new(gtk::Orientation::Vertical, 0);
        pages.set_widget_name("pages");
        overlay.add(&pages);

        page_capsule.frame.set_valign(gtk::Align::Start);
        page_capsule.frame.set_margin_top(6);
        overlay.add_overlay(&page_capsule.frame);

        let mask = gtk::EventBox::new();
        mask.set_widget_name("mask");
        overlay.add_overlay(&mask);
        let sheet_send = send.clone();
        let action_sheet =
            ActionSheet::new(&overlay, Box::new(move |control: Control| -> OnClick { Box::new(sheet_send(control)) }));
        let viewer_send = send.clone();
        let image_viewer =
            ImageViewer::new(Box::new(move |control: Control| -> OnClick { Box::new(viewer_send(control)) }));

        let notice = Notice::new(&overlay);

        let toast = gtk::Box::new(gtk::Orientation::Vertical, 6);
        toast.set_widget_name("toast");
        toast.set_halign(gtk::Align::Center);
        toast.set_valign(gtk::Align::Center);
        let toast_icon = gtk::Label::new(None);
        toast_icon.set_widget_name("toast-icon");
        let spinner = gtk::Spinner::new();
        let toast_text = gtk::Label::new(None);
        toast_text.set_line_wrap(true);
        toast_text.set_max_width_chars(18);
        toast.pack_start(&toast_icon, false, false, 0);
        toast.pack_start(&spinner, false, false, 0);
        toast.pack_start(&toast_text, false, false, 0);
        overlay.add_overlay(&toast);

        let modal_layer = gtk::EventBox::new();
        modal_layer.set_widget_name("modal-layer");
        let modal = gtk::Box::new(gtk::Orientation::Vertical, 10);
        modal.set_widget_name("modal");
        modal.set_halign(gtk::Align::Center);
        modal.set_valign(gtk::Align::Center);
        modal.set_size_request(280, -1);
        let modal_title = gtk::Label::new(None);
        modal_title.set_widget_name("modal-title");
        let modal_content = gtk::Label::new(None);
        modal_content.set_widget_name("modal-content");
        modal_content.set_line_wrap(true);
        modal_content.set_max_width_chars(30);
        let buttons = gtk::Box::new(gtk::Orientation::Horizontal, 8);
        buttons.set_homogeneous(true);
        let modal_cancel = gtk::Button::with_label("Cancel");
        modal_cancel.connect_clicked(send(Control::ModalCancel));
        let modal_confirm = gtk::Button::with_label("OK");
        modal_confirm.connect_clicked(send(Control::ModalConfirm));
        buttons.pack_start(&modal_cancel, true, true, 0);
        buttons.pack_start(&modal_confirm, true, true, 0);
        modal.pack_start(&modal_title, false, false, 0);
        modal.pack_start(&modal_content, false, false, 0);
        modal.pack_start(&buttons, false, false, 0);
        modal_layer.add(&modal);
        overlay.add_overlay(&modal_layer);

        let tabbar = gtk::Box::new(gtk::Orientation::Horizontal, 0);
        tabbar.set_widget_name("tabbar");
        tabbar.set_homogeneous(true);
        tabbar.set_size_request(-1, 50);
        let mut tabs = Vec::new();
        if let Some(bar) = &tab_bar {
            for (i, item) in bar.list.iter().enumerate() {
                let button = gtk::Button::with_label(&item.text);
                button.style_context().add_class("tab");
                button.connect_clicked(send(Control::Tab(i)));
                tabbar.pack_start(&button, true, true, 0);
                tabs.push(button);
            }
        }

        let refresh = gtk::Box::new(gtk::Orientation::Horizontal, 0);
        refresh.set_widget_name("refresh");
        refresh.set_size_request(-1, 40);
        let refresh_spinner = gtk::Spinner::new();
        refresh.set_center_widget(Some(&refresh_spinner));

        vbox.pack_start(&nav, false, false, 0);
        vbox.pack_start(&refresh, false, false, 0);
        vbox.pack_start(&overlay, true, true, 0);
        vbox.pack_end(&tabbar, false, false, 0);
        vbox.show_all();
        for hidden in [
            mask.upcast_ref::<gtk::Widget>(),
            toast.upcast_ref(),
            modal_layer.upcast_ref(),
            tabbar.upcast_ref(),
            refresh.upcast_ref(),
            page_capsule.frame.upcast_ref(),
        ] {
            hidden.hide();
        }
        notice.hide();
        action_sheet.hide();

        let css = gtk::CssProvider::new();
        if let Some(screen) = gtk::gdk::Screen::default() {
            gtk::StyleContext::add_provider_for_screen(&screen, &css, gtk::STYLE_PROVIDER_PRIORITY_APPLICATION);
        }
        let mut chrome = Chrome {
            nav_bar: nav,
            nav_title,
            back,
            pages,
            toast,
            toast_icon,
            toast_text,
            spinner,
            mask,
            modal_layer,
            modal_title,
            modal_content,
            modal_cancel,
            modal_confirm,
            tabbar,
            tab_texts: tab_bar
                .as_ref()
                .map(|bar| bar.list.iter().map(|item| item.text.clone()).collect())
                .unwrap_or_default(),
            tab_badges: vec![None; tabs.len()],
            tabs_hidden: false,
            tabs,
            tab_bar,
            css,
            refresh,
            refresh_spinner,
            nav_capsule,
            page_capsule,
            action_sheet,
            notice,
            image_viewer,
            nav: NavState {
                title: String::new(),
                background: "#000000".into(),
                front: "#ffffff".into(),
                page_background: "#ffffff".into(),
                custom: false,
            },
            selected_tab: None,
            toast_kind: None,
        };
        chrome.restyle();
        chrome
    }

    /// Removes the chrome's style from the screen (the window is going away).
    pub fn detach(&self) {
        if let Some(screen) = gtk::gdk::Screen::default() {
            gtk::StyleContext::remove_provider_for_screen(&screen, &self.css);
        }
    }

    fn restyle(&mut self) {
        let nav = &self.nav;
        let mut css = format!(
            "{BASE_CSS}{}{}{}\n#nav {{ background-color: {bg}; }}\n#nav label, #nav button, #nav button label {{ color: {fg}; }}\n#nav-title {{ font-weight: bold; font-size: 16px; }}\n#pages, #refresh {{ background-color: {page}; }}\n",
            super::action_sheet::CSS,
            super::image_viewer::CSS,
            super::notice::CSS,
            bg = nav.background,
            fg = nav.front,
            page = nav.page_background,
        );
        if let Some(bar) = &self.tab_bar {
            css.push_str(&format!(
                "#tabbar {{ background-color: {bg}; border-top: 1px solid rgba(0,0,0,0.12); }}\n#tabbar button, #tabbar button label {{ color: {color}; background-color: {bg}; }}\n#tabbar button.selected, #tabbar button.selected label {{ color: {selected}; font-weight: bold; }}\n",
                bg = bar.background_color,
                color = bar.color,
                selected = bar.selected_color,
            ));
        }
        if let Err(err) = self.css.load_from_data(css.as_bytes()) {
            tracing::error!(%err, "chrome style rejected");
        }
    }

    /// Shows a page's bar: title, colours, and a back button when `can_go_back`.
    pub fn show_nav(&mut self, nav: &NavState, can_go_back: bool) {
        self.nav_title.set_text(&nav.title);
        self.back.set_visible(can_go_back);
        self.nav_bar.set_visible(!nav.custom);
        self.page_capsule.frame.set_visible(nav.custom);
        if self.nav != *nav {
            self.nav = nav.clone();
            self.restyle();
        }
    }

    /// Shows the tab bar with `selected` highlighted, or hides it (`None`).
    pub fn show_tabs(&mut self, selected: Option<usize>) {
        // (no bar to show when the mini program draws its own: tabBar.custom)
        let selected = selected.filter(|_| self.tab_bar.is_some() && !self.tabs_hidden);
        self.selected_tab = selected;
        self.tabbar.set_visible(selected.is_some());
        for (i, tab) in self.tabs.iter().enumerate() {
            let context = tab.style_context();
            if Some(i) == selected {
                context.add_class("selected");
            } else {
                context.remove_class("selected");
            }
        }
    }

    /// Carries out a tab bar call: a badge or red dot, the bar shown or hidden, a tab's text.
    pub fn tab_bar_call(&mut self, call: crate::core::tab_bar_call::TabBarCall) {
        use crate::core::tab_bar_call::TabBarCall;
        let index = match call {
            TabBarCall::Badge { index, text } => {
                self.tab_badges[index] = Some(text);
                Some(index)
            }
            TabBarCall::RedDot { index } => {
                self.tab_badges[index] = Some("•".into());
                Some(index)
            }
            TabBarCall::Clear { index } => {
                self.tab_badges[index] = None;
                Some(index)
            }
            TabBarCall::Item { index, text } => {
                if let Some(text) = text {
                    self.tab_texts[index] = text;
                }
                Some(index)
            }
            TabBarCall::Visible(shown) => {
                self.tabs_hidden = !shown;
                if !shown {
                    self.tabbar.set_visible(false);
                }
                None
            }
            TabBarCall::Style => None,
        };
        if let Some(i) = index {
            let label = match &self.tab_badges[i] {
                Some(badge) => format!("{} ({badge})", self.tab_texts[i]),
                None => self.tab_texts[i].clone(),
            };
            self.tabs[i].set_label(&label);
        }
    }

    /// Shows a toast (`Toast`, with an icon) or a loading indicator (`Loading`),
    /// replacing whichever is showing.
    pub fn show_toast(&mut self, kind: ToastKind, title: &str, icon: &str, mask: bool) {
        self.toast_kind = Some(kind);
        self.toast_text.set_text(title);
        let glyph = match (kind, icon) {
            (ToastKind::Loading, _) | (_, "loading") => "",
            (_, "success") => "✓",
            (_, "error") => "✕",
            _ => "",
        };
        self.toast_icon.set_text(glyph);
        self.toast_icon.set_visible(!glyph.is_empty());
        let spinning = kind == ToastKind::Loading || icon == "loading";
        self.spinner.set_visible(spinning);
        if spinning {
            self.spinner.start();
        } else {
            self.spinner.stop();
        }
        self.toast.set_visible(true);
        self.mask.set_visible(mask);
    }

    /// Hides the toast or loading indicator if it is of this kind.
    pub fn hide_toast(&mut self, kind: ToastKind) -> bool {
        if self.toast_kind != Some(kind) {
            return false;
        }
        self.toast_kind = None;
        self.toast.set_visible(false);
        self.mask.set_visible(false);
        self.spinner.stop();
        true
    }

    /// Shows or hides the pull-down refresh indicator above the page.
    pub fn set_refreshing(&self, on: bool) {
        self.refresh.set_visible(on);
        if on {
            self.refresh_spinner.start();
        } else {
            self.refresh_spinner.stop();
        }
    }

    /// Shows a modal.
    pub fn show_modal(&mut self, title: &str, content: &str, show_cancel: bool, cancel_text: &str, confirm_text: &str) {
        self.modal_title.set_text(title);
        self.modal_title.set_visible(!title.is_empty());
        self.modal_content.set_text(content);
        self.modal_content.set_visible(!content.is_empty());
        self.modal_cancel.set_label(cancel_text);
        self.modal_cancel.set_visible(show_cancel);
        self.modal_confirm.set_label(confirm_text);
        self.modal_layer.set_visible(true);
    }

    /// Hides the modal.
    pub fn hide_modal(&mut self) {
        self.modal_layer.set_visible(false);
    }

    /// Emits a control's real `clicked` signal, as a person's click would.
    pub fn press(&self, control: &Control) -> Result<(), String> {
        let button = match control {
            Control::Back => &self.back,
            Control::ModalCancel => &self.modal_cancel,
            Control::ModalConfirm => &self.modal_confirm,
            Control::Tab(i) => self.tabs.get(*i).ok_or_else(|| format!("there is no tab {i}"))?,
            Control::CapsuleMenu => &self.capsule().menu,
            Control::CapsuleClose => &self.capsule().close,
            Control::CapsuleRestart => &self.capsule().restart,
            Control::ActionItem(_) | Control::ActionCancel => {
                self.action_sheet.button(control).ok_or_else(|| format!("the action sheet has no {control:?}"))?
            }
            Control::ViewerPrev | Control::ViewerNext | Control::ViewerClose => {
                self.image_viewer.button(control).ok_or_else(|| format!("the image viewer has no {control:?}"))?
            }
        };
        if !button.is_visible() || !button.is_mapped() {
            return Err(format!("{control:?} is not on screen"));
        }
        button.clicked();
        Ok(())
    }

    /// The capsule on screen: over the page when the page draws its own bar.
    fn capsule(&self) -> &Capsule {
        if self.page_capsule.frame.is_visible() {
            &self.page_capsule
        } else {
            &self.nav_capsule
        }
    }

    /// Closes the capsule's menu.
    pub fn close_capsule_menu(&self) {
        self.nav_capsule.popover.popdown();
        self.page_capsule.popover.popdown();
    }

    /// Where the capsule is, in the window's logical pixels (what
    /// `wx.getMenuButtonBoundingClientRect()` answers): `{width, height, top, right,
    /// bottom, left}`.
    pub fn capsule_rect(&self) -> Value {
        let frame = &self.capsule().frame;
        let at = frame.toplevel().and_then(|top| frame.translate_coordinates(&top, 0, 0));
        let allocation = frame.allocation();
        let (width, height) =
            if allocation.width() > 1 { (allocation.width(), allocation.height()) } else { CAPSULE_SIZE };
        let (left, top) = at.unwrap_or((0, 0));
        json!({
            "width": width,
            "height": height,
            "top": top,
            "left": left,
            "right": left + width,
            "bottom": top + height,
        })
    }

    /// What the chrome shows, read back from the widgets.
    pub fn state(&self) -> Value {
        let toast = self.toast.is_visible().then(|| {
            json!({
                "kind": match self.toast_kind { Some(ToastKind::Loading) => "loading", _ => "toast" },
                "title": self.toast_text.text().as_str(),
                "icon": self.toast_icon.text().as_str(),
                "spinner": self.spinner.is_visible(),
                "mask": self.mask.is_visible(),
            })
        });
        let modal = self.modal_layer.is_visible().then(|| {
            json!({
                "title": self.modal_title.text().as_str(),
                "content": self.modal_content.text().as_str(),
                "cancelText": self.modal_cancel.is_visible().then(|| self.modal_cancel.label().map(|l| l.to_string())).flatten(),
                "confirmText": self.modal_confirm.label().map(|l| l.to_string()),
            })
        });
        json!({
            // (null when the page draws its own: navigationStyle custom)
            "navigationBar": self.nav_bar.is_visible().then(|| json!({
                "title": self.nav_title.text().as_str(),
                "backgroundColor": self.nav.background,
                "frontColor": self.nav.front,
                "backButton": self.back.is_visible(),
            })),
            "tabBar": self.tabbar.is_visible().then(|| json!({
                "selected": self.selected_tab,
                "items": self.tab_texts,
                "badges": self.tab_badges,
            })),
            "toast": toast,
            "modal": modal,
            "pullDownRefresh": self.refresh.is_visible(),
            "actionSheet": self.action_sheet.state(),
            "imageViewer": self.image_viewer.state(),
            "notice": self.notice.state(),
            "capsule": {
                "overPage": self.page_capsule.frame.is_visible(),
                "menuOpen": self.capsule().popover.is_visible(),
            },
        })
    }
}
