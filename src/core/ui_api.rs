//! The built-ins only the UI thread can answer (routing, chrome, system information),
//! and the host's own requests to inspect and drive the chrome: one typed list, matched
//! exhaustively by the shell.

/// Why a modal or action sheet failed when its page closed under it (`showModal:fail
/// the page that showed it closed`): a modal goes with its page.
pub const CLOSED_WITH_ITS_PAGE: &str = "the page that showed it closed";

/// A request the UI thread answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UiApi {
    /// `wx.navigateTo({url})`.
    NavigateTo,
    /// `wx.redirectTo({url})`.
    RedirectTo,
    /// `wx.navigateBack({delta})`.
    NavigateBack,
    /// `wx.reLaunch({url})`.
    ReLaunch,
    /// `wx.switchTab({url})`.
    SwitchTab,
    /// `wx.showToast({title, icon, duration, mask})`.
    ShowToast,
    /// `wx.hideToast()`.
    HideToast,
    /// `wx.showLoading({title, mask})`.
    ShowLoading,
    /// `wx.hideLoading()`.
    HideLoading,
    /// `wx.showModal({title, content, showCancel, cancelText, confirmText})`.
    ShowModal,
    /// `wx.showActionSheet({itemList, itemColor, alertText})`: `{tapIndex}`, or `cancel`.
    ShowActionSheet,
    /// `wx.setNavigationBarTitle({title})`.
    SetNavigationBarTitle,
    /// `wx.setNavigationBarColor({frontColor, backgroundColor})`.
    SetNavigationBarColor,
    /// `wx.startPullDownRefresh()`: the current page's `onPullDownRefresh` runs.
    StartPullDownRefresh,
    /// `wx.stopPullDownRefresh()`: the refresh indicator goes.
    StopPullDownRefresh,
    /// `wx.pageScrollTo({scrollTop | selector, offsetTop, duration})`: answered once the
    /// current page is there ([`PageScroll`](super::page_scroll::PageScroll)).
    PageScrollTo,
    /// `SelectorQuery.exec()` of `wx.createSelectorQuery()`: answered by the page with each
    /// query's fields ([`selector_query`](super::selector_query)).
    SelectorQuery,
    /// `wx.getSystemInfo()` and `wx.getSystemInfoSync()`.
    GetSystemInfo,
    /// `wx.getWindowInfo()`.
    GetWindowInfo,
    /// `wx.getDeviceInfo()`.
    GetDeviceInfo,
    /// `wx.getMenuButtonBoundingClientRect()`: where the capsule is.
    GetMenuButtonBoundingClientRect,
    /// `wx.getAppBaseInfo()`.
    GetAppBaseInfo,
    /// Host only: the chrome as a person sees it ([`Host::chrome_state`](crate::Host::chrome_state)).
    ChromeState,
    /// Host only: press a chrome control ([`Host::press`](crate::Host::press)).
    Press,
    /// Host only: save a PNG of the window ([`Host::screenshot`](crate::Host::screenshot)).
    Screenshot,
    /// For the choosers (`wx.chooseImage`...): ask a person for files with the GTK file
    /// chooser ([`ChooseRequest`](crate::files::chooser::ChooseRequest)); `{paths}`, or
    /// none when cancelled.
    ChooseFiles,
    /// For `wx.previewImage`: show these image files (`{files, current}`) in the viewer.
    PreviewImage,
    /// `wx.setClipboardData({data})`: the desktop's clipboard holds the text.
    SetClipboardData,
    /// `wx.getClipboardData()`: `{data}`, the desktop clipboard's text (`""` when it has none).
    GetClipboardData,
    /// `wx.setTabBarBadge({index, text})` ([`tab_bar_call`](super::tab_bar_call) for these).
    SetTabBarBadge,
    /// `wx.removeTabBarBadge({index})`.
    RemoveTabBarBadge,
    /// `wx.showTabBarRedDot({index})`.
    ShowTabBarRedDot,
    /// `wx.hideTabBarRedDot({index})`.
    HideTabBarRedDot,
    /// `wx.showTabBar()`.
    ShowTabBar,
    /// `wx.hideTabBar()`.
    HideTabBar,
    /// `wx.setTabBarItem({index, text})`.
    SetTabBarItem,
    /// `wx.setTabBarStyle({color, selectedColor, backgroundColor})`.
    SetTabBarStyle,
}

impl UiApi {
    /// Whether this is a routing API (answered after the new page has loaded).
    pub fn is_route(self) -> bool {
        matches!(self, UiApi::NavigateTo | UiApi::RedirectTo | UiApi::NavigateBack | UiApi::ReLaunch | UiApi::SwitchTab)
    }

    /// Every UI-thread request.
    pub const ALL: [UiApi; 37] = [
        UiApi::NavigateTo,
        UiApi::RedirectTo,
        UiApi::NavigateBack,
        UiApi::ReLaunch,
        UiApi::SwitchTab,
        UiApi::ShowToast,
        UiApi::HideToast,
        UiApi::ShowLoading,
        UiApi::HideLoading,
        UiApi::ShowModal,
        UiApi::ShowActionSheet,
        UiApi::SetNavigationBarTitle,
        UiApi::SetNavigationBarColor,
        UiApi::StartPullDownRefresh,
        UiApi::StopPullDownRefresh,
        UiApi::PageScrollTo,
        UiApi::SelectorQuery,
        UiApi::GetSystemInfo,
        UiApi::GetWindowInfo,
        UiApi::GetDeviceInfo,
        UiApi::GetMenuButtonBoundingClientRect,
        UiApi::GetAppBaseInfo,
        UiApi::ChromeState,
        UiApi::Press,
        UiApi::Screenshot,
        UiApi::ChooseFiles,
        UiApi::PreviewImage,
        UiApi::SetClipboardData,
        UiApi::GetClipboardData,
        UiApi::SetTabBarBadge,
        UiApi::RemoveTabBarBadge,
        UiApi::ShowTabBarRedDot,
        UiApi::HideTabBarRedDot,
        UiApi::ShowTabBar,
        UiApi::HideTabBar,
        UiApi::SetTabBarItem,
        UiApi::SetTabBarStyle,
    ];

    /// The registry name (and `errMsg` prefix) of a page-facing API; the request name
    /// of a host-only one.
    pub const fn name(self) -> &'static str {
        match self {
            UiApi::NavigateTo => "navigateTo",
            UiApi::RedirectTo => "redirectTo",
            UiApi::NavigateBack => "navigateBack",
            UiApi::ReLaunch => "reLaunch",
            UiApi::SwitchTab => "switchTab",
            UiApi::ShowToast => "showToast",
            UiApi::HideToast => "hideToast",
            UiApi::ShowLoading => "showLoading",
            UiApi::HideLoading => "hideLoading",
            UiApi::ShowModal => "showModal",
            UiApi::ShowActionSheet => "showActionSheet",
            UiApi::SetNavigationBarTitle => "setNavigationBarTitle",
            UiApi::SetNavigationBarColor => "setNavigationBarColor",
            UiApi::StartPullDownRefresh => "startPullDownRefresh",
            UiApi::StopPullDownRefresh => "stopPullDownRefresh",
            UiApi::PageScrollTo => "pageScrollTo",
            UiApi::SelectorQuery => "__selectorQuery",
            UiApi::GetSystemInfo => "getSystemInfo",
            UiApi::GetWindowInfo => "getWindowInfo",
            UiApi::GetDeviceInfo => "getDeviceInfo",
            UiApi::GetMenuButtonBoundingClientRect => "getMenuButtonBoundingClientRect",
            UiApi::GetAppBaseInfo => "getAppBaseInfo",
            UiApi::ChromeState => "__chromeState",
            UiApi::Press => "__press",
            UiApi::Screenshot => "__screenshot",
            UiApi::ChooseFiles => "__chooseFiles",
            UiApi::PreviewImage => "__previewImage",
            UiApi::SetClipboardData => "setClipboardData",
            UiApi::GetClipboardData => "getClipboardData",
            UiApi::SetTabBarBadge => "setTabBarBadge",
            UiApi::RemoveTabBarBadge => "removeTabBarBadge",
            UiApi::ShowTabBarRedDot => "showTabBarRedDot",
            UiApi::HideTabBarRedDot => "hideTabBarRedDot",
            UiApi::ShowTabBar => "showTabBar",
            UiApi::HideTabBar => "hideTabBar",
            UiApi::SetTabBarItem => "setTabBarItem",
            UiApi::SetTabBarStyle => "setTabBarStyle",
        }
    }

    /// The request of this name.
    pub fn from_name(name: &str) -> Option<UiApi> {
        UiApi::ALL.into_iter().find(|api| api.name() == name)
    }

    /// Whether only the host (or a built-in's handler) may ask for it (pages cannot: it
    /// is not in the registry).
    pub const fn host_only(self) -> bool {
        matches!(self, UiApi::ChromeState | UiApi::Press | UiApi::Screenshot | UiApi::ChooseFiles | UiApi::PreviewImage)
    }

    /// The APIs pages call, as registered in the registry.
    pub fn page_apis() -> impl Iterator<Item = UiApi> {
        UiApi::ALL.into_iter().filter(|api| !api.host_only())
    }
}

impl std::fmt::Display for UiApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut names: Vec<&str> = UiApi::ALL.iter().map(|api| api.name()).collect();
        for api in UiApi::ALL {
            assert_eq!(UiApi::from_name(api.name()), Some(api));
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), UiApi::ALL.len());
        assert_eq!(UiApi::from_name("exitMiniProgram"), None);
        assert_eq!(UiApi::page_apis().count(), 32);
    }
}
