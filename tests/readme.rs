//! The README's rule table is generated from `rules/*.toml`. Regenerate it with
//! `IISLINT_UPDATE_README=1 cargo test --test readme`.

use iislint::rules;

fn table() -> String {
    let mut t = String::from("| rule | severity | what it finds |\n|---|---|---|\n");
    for r in rules::all() {
        t.push_str(&format!(
            "| `{}` | {} | {} |\n",
            r.id,
            r.severity.as_str(),
            r.summary.replace('|', "\\|")
        ));
    }
    t
}

#[test]
fn readme_rule_table_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let begin = readme.find("<!-- rules:begin").expect("rules:begin marker");
    let begin = begin + readme[begin..].find("-->").expect("marker end") + 3;
    let end = readme.find("<!-- rules:end -->").expect("rules:end marker");
    let want = format!("\n{}", table());
    if readme[begin..end] != want {
        if std::env::var_os("IISLINT_UPDATE_README").is_some() {
            let updated = format!("{}{}{}", &readme[..begin], want, &readme[end..]);
            std::fs::write(&path, updated).expect("write README.md");
        } else {
            panic!(
                "README.md's rule table is out of date; run `IISLINT_UPDATE_README=1 cargo test --test readme`"
            );
        }
    }
}
