//! Configuration: the user config file and the precedence of every setting — flag, then
//! environment, then the store's own config, then the user config, then the default.

use crate::Desk;

/// A command run with only the user config (in `config_home`) and what `args` say.
fn bare(desk: &Desk, config_home: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let output = desk
        .cmd(args)
        .env_remove("FACTDESK_DB")
        .env_remove("FACTDESK_USER")
        .env("XDG_CONFIG_HOME", config_home)
        .env("USER", "login-name")
        .current_dir(desk.db.parent().unwrap())
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn flag_beats_environment_beats_store_config_beats_user_config_beats_default() {
    crate::sqlite_only!(
        "the store and user named by the config (on PostgreSQL the login is the user)"
    );
    let desk = Desk::new();
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("factdesk").join("config.toml");
    let (code, path, _) = bare(&desk, home.path(), &["config", "path"]);
    assert_eq!((code, path), (0, format!("{}\n", config.display())));

    // Defaults: ./factdesk.db and the login name from the system's user database, not from
    // $USER (which `bare` sets to something else).
    let (_, listed, _) = bare(&desk, home.path(), &["config", "list", "--format", "csv"]);
    assert_eq!(
        listed,
        format!(
            "SETTING,VALUE,FROM,MEANING\n\
             store,factdesk.db,default,the store file\n\
             user,{},login name (the system's user database),who you are in the history\n\
             review.required,false,default (no store to read),true: a verdict stands only once a different person approves it\n\
             linker.model,,default (no store to read),the sentence-embedding model directory the linker uses (empty: none)\n",
            whoami::username().unwrap()
        )
    );

    // The user config names the store and the person.
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        &config,
        format!(
            "store = {:?}\nuser = \"cy\"\n",
            desk.db.display().to_string()
        ),
    )
    .unwrap();
    let (code, _, err) = bare(
        &desk,
        home.path(),
        &["claim", "add", "Iran wants to buy Su-35 jets", "-q"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        desk.ok(&["history", "--format", "csv"])
            .contains(",cy,claim.add,")
    );
    desk.ok(&["config", "set", "review.required", "true"]);
    let (_, listed, _) = bare(&desk, home.path(), &["config", "list", "--format", "csv"]);
    let from = format!("user config ({})", config.display());
    assert_eq!(
        listed,
        format!(
            "SETTING,VALUE,FROM,MEANING\n\
             store,{db},{from},the store file\n\
             user,cy,{from},who you are in the history\n\
             review.required,true,store (set by ana 2024-09-07T12:00:00.001Z),true: a verdict stands only once a different person approves it\n\
             linker.model,,default,the sentence-embedding model directory the linker uses (empty: none)\n",
            db = desk.db.display()
        )
    );

    // The environment beats the user config; a flag beats the environment.
    let with_env = desk
        .cmd(&["config", "list", "--format", "csv"])
        .env("XDG_CONFIG_HOME", home.path())
        .env("FACTDESK_USER", "dee")
        .output()
        .unwrap();
    let listed = String::from_utf8(with_env.stdout).unwrap();
    assert!(
        listed.contains("\nuser,dee,environment FACTDESK_USER,"),
        "{listed}"
    );
    assert!(listed.contains(",environment FACTDESK_DB,"), "{listed}");
    let with_flag = desk
        .cmd(&[
            "--as", "eve", "--db", "other.db", "config", "list", "--format", "csv",
        ])
        .env("XDG_CONFIG_HOME", home.path())
        .output()
        .unwrap();
    let listed = String::from_utf8(with_flag.stdout).unwrap();
    assert!(listed.contains("\nuser,eve,flag --as,"), "{listed}");
    assert!(listed.contains("\nstore,other.db,flag --db,"), "{listed}");
}

#[test]
fn a_bad_user_config_is_refused_with_its_line_and_the_store_left_alone() {
    crate::sqlite_only!(
        "the store and user named by the config (on PostgreSQL the login is the user)"
    );
    let desk = Desk::new();
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("factdesk").join("config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, "user = \"cy\"\nstor = \"x.db\"\n").unwrap();
    let before = desk.contents();
    let (code, out, err) = bare(
        &desk,
        home.path(),
        &["claim", "add", "X", "--db", desk.db.to_str().unwrap()],
    );
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        format!(
            "factdesk: config file '{}': line 2: unknown field `stor`, expected one of `store`, `user`, `linker`\n",
            config.display()
        )
    );
    assert_eq!(desk.contents(), before);
    // A command that names everything itself does not need the file.
    let named = desk
        .cmd(&["claim", "list"])
        .env("XDG_CONFIG_HOME", home.path())
        .output()
        .unwrap();
    assert!(named.status.success());
}
