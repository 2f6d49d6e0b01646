//! The large-project figure: process start to the first page's `onReady` for a generated
//! mini program of [`PAGES`] pages, each with a template, a style and an ES module (as a
//! DevTools project has them), first with an empty compile cache, then again.

use std::path::Path;

/// Pages in the generated project.
pub const PAGES: usize = 300;

/// Writes the project into `dir`: page 0's `onReady` calls `benchReady`.
pub fn write(dir: &Path) -> Result<(), String> {
    let routes: Vec<String> = (0..PAGES).map(|i| format!("pages/p{i}/p{i}")).collect();
    let mut files: Vec<(String, String)> = vec![
        ("app.json".into(), serde_json::json!({ "pages": routes }).to_string()),
        ("app.js".into(), "App({ globalData: { opened: 0 } });".into()),
        ("app.wxss".into(), "page { font-family: sans-serif; } .row { padding: 10rpx 20rpx; }".into()),
    ];
    for (i, route) in routes.iter().enumerate() {
        files.push((
            format!("{route}.wxml"),
            format!(
                "<template name=\"head{i}\"><view class=\"title\">{{{{title}}}}</view></template>\n\
<template is=\"head{i}\" data=\"{{{{title}}}}\"/>\n\
<view wx:for=\"{{{{items}}}}\" wx:key=\"*this\" class=\"row\" bindtap=\"open\" data-i=\"{{{{index}}}}\">{{{{index}}}}: {{{{item}}}}</view>"
            ),
        ));
        files.push((format!("{route}.wxss"), format!(".title {{ font-size: 36rpx; color: #{:03x}; }}", i % 4096)));
        files.push((
            format!("{route}.js"),
            format!(
                "import {{ items, title }} from '../../utils/m{i}.js';\n\
Page({{\n  data: {{ items: items(), title: title }},\n  open(e) {{ getApp().globalData.opened = e.currentTarget.dataset.i; }},\n  \
onReady() {{ if ({i} === 0) wx.invokeNativePlugin({{ api_name: 'benchReady' }}); }}\n}});\n"
            ),
        ));
        files.push((
            format!("utils/m{i}.js"),
            format!(
                "export const title = 'Page {i}';\nexport function items() {{ return ['a{i}', 'b{i}', 'c{i}']; }}\n"
            ),
        ));
    }
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).map_err(|e| e.to_string())?;
        std::fs::write(path, text).map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::package::Package;

    #[test]
    fn the_project_opens_with_every_page_and_compiles_as_es_modules() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path()).unwrap();
        let package = Package::open(dir.path()).unwrap();
        assert_eq!(package.pages().len(), PAGES);
        let files = package.files();
        for ext in [".wxml", ".wxss", ".js"] {
            assert_eq!(files.iter().filter(|f| f.starts_with("pages/") && f.ends_with(ext)).count(), PAGES, "{ext}");
        }
        let text = String::from_utf8(package.read("pages/p7/p7.js").unwrap().into_owned()).unwrap();
        assert_eq!(
            crate::wxml::sources::script_kind("pages/p7/p7.js", &text),
            crate::wxml::sources::ScriptKind::EsModule
        );
    }
}
