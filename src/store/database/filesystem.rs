//! Which filesystem a store file sits on, and whether that filesystem is a network filesystem.
//!
//! SQLite warns that WAL mode does not work over a network filesystem and that file locking
//! there can corrupt the database, so factdesk refuses to write to a store on one unless the user
//! passes `--allow-network-fs`. This module only *detects*: it reads the mount table, finds the
//! mount a path lives on and classifies its type. It must not open, create or change the store,
//! print anything, or decide what to do about a network filesystem — the caller does that.
//!
//! Detection is Linux-only for now (it reads `/proc/self/mountinfo`); on other targets
//! [`network_filesystem`] always answers `None`.

use std::path::Path;

/// Filesystem types that live on another machine, as the kernel names them in mountinfo:
/// NFS, SMB/CIFS, NetWare, AFS, Plan 9 (9p) and the cluster filesystems.
const NETWORK_TYPES: &[&str] = &[
    "nfs",
    "nfs4",
    "cifs",
    "smb3",
    "smbfs",
    "ncpfs",
    "afs",
    "9p",
    "ceph",
    "glusterfs",
    "lustre",
    "gpfs",
    "beegfs",
    "davfs",
    "vboxsf",
    "prl_fs",
];

/// FUSE subtypes (the part after `fuse.`) that reach a remote machine or object store: SSH,
/// SMB and GVfs shares, WebDAV, Ceph, cloud buckets, and the shared folders of VirtualBox and
/// VMware guests.
const NETWORK_FUSE_SUBTYPES: &[&str] = &[
    "sshfs",
    "s3fs",
    "rclone",
    "gcsfuse",
    "glusterfs",
    "smbnetfs",
    "gvfsd-fuse",
    "ceph-fuse",
    "davfs",
    "vmhgfs-fuse",
    "juicefs",
    "goofys",
    "blobfuse2",
    "mountpoint-s3",
];

/// The filesystem a path sits on, when it is a network filesystem: its type name as the system reports it (e.g. "nfs4", "cifs", "fuse.sshfs").
///
/// `path` is the store file and need not exist yet: the nearest existing ancestor, made absolute
/// and canonicalized, is the one looked up. Returns `None` when the filesystem is local, or when
/// it cannot be told (no readable `/proc/self/mountinfo`, no existing ancestor; see
/// [`why_filesystem_unknown`]).
#[cfg(target_os = "linux")]
pub(crate) fn network_filesystem(path: &Path) -> Option<String> {
    let existing = nearest_existing_canonical_ancestor(path)?;
    if std::env::var_os(MOUNT_TABLE_OVERRIDE).is_none() && on_local_disk_filesystem(&existing) {
        return None;
    }
    let mountinfo = std::fs::read(mount_table()).ok()?;
    let fs_type = filesystem_type_of(&String::from_utf8_lossy(&mountinfo), &existing)?;
    is_network_type(&fs_type).then_some(fs_type)
}

/// The variable naming another mount table to read: the end-to-end tests use it to put a store
/// "on NFS" without an NFS server.
#[cfg(target_os = "linux")]
const MOUNT_TABLE_OVERRIDE: &str = "FACTDESK_MOUNTINFO";

/// The mount table read: `/proc/self/mountinfo`, or the file [`MOUNT_TABLE_OVERRIDE`] names.
#[cfg(target_os = "linux")]
fn mount_table() -> std::ffi::OsString {
    std::env::var_os(MOUNT_TABLE_OVERRIDE).unwrap_or_else(|| "/proc/self/mountinfo".into())
}

/// Filesystems that only ever live on this machine's own disks or memory, by the magic number
/// `statfs(2)` reports (`linux/magic.h`): ext2/3/4, XFS, Btrfs, tmpfs, ramfs, overlayfs, ZFS,
/// F2FS, bcachefs, JFS, ReiserFS, FAT, exFAT and NTFS.
#[cfg(target_os = "linux")]
const LOCAL_DISK_MAGIC: &[u32] = &[
    0xEF53,      // ext2, ext3, ext4
    0x5846_5342, // xfs
    0x9123_683E, // btrfs
    0x0102_1994, // tmpfs
    0x8584_58F6, // ramfs
    0x794C_7630, // overlayfs
    0x2FC1_2FC1, // zfs
    0xF2F5_2010, // f2fs
    0xCA45_1A4E, // bcachefs
    0x3153_464A, // jfs
    0x5265_4973, // reiserfs
    0x4D44,      // fat (msdos, vfat)
    0x2011_BAB0, // exfat
    0x5346_544E, // ntfs (ntfs3)
    0x7366_746E, // ntfs (ntfs-3g's kernel type)
];

/// Whether `path` sits on a filesystem that is certainly local ([`LOCAL_DISK_MAGIC`]): one
/// `statfs` call, which spares every command reading and parsing the whole mount table. Any
/// other answer, FUSE included (its subtype is only in the mount table), is left to the table.
#[cfg(target_os = "linux")]
fn on_local_disk_filesystem(path: &Path) -> bool {
    // The magic numbers are 32-bit; `f_type`'s integer type differs between architectures.
    #[allow(clippy::unnecessary_cast)]
    rustix::fs::statfs(path).is_ok_and(|fs| LOCAL_DISK_MAGIC.contains(&(fs.f_type as u32)))
}

/// Why factdesk cannot tell whether a store is on a network filesystem, when it cannot: the
/// mount table is unreadable. `None` when it can tell.
#[cfg(target_os = "linux")]
pub fn why_filesystem_unknown() -> Option<String> {
    let table = mount_table();
    std::fs::metadata(&table)
        .and_then(|_| std::fs::File::open(&table).map(drop))
        .err()
        .map(|e| {
            format!(
                "cannot read the mount table '{}' ({e}), so factdesk cannot tell whether the \
                 store is on a network filesystem, where SQLite's locking is unreliable",
                std::path::Path::new(&table).display()
            )
        })
}

/// Why factdesk cannot tell whether a store is on a network filesystem: detection is
/// Linux-only, and this is not Linux.
#[cfg(not(target_os = "linux"))]
pub fn why_filesystem_unknown() -> Option<String> {
    None
}

/// The filesystem a path sits on, when it is a network filesystem; detection is Linux-only for
/// now, so on this target the answer is always `None`.
#[cfg(not(target_os = "linux"))]
pub(crate) fn network_filesystem(_path: &Path) -> Option<String> {
    None
}

/// The canonical form of `path` or, when it does not exist, of its nearest existing ancestor.
#[cfg(target_os = "linux")]
fn nearest_existing_canonical_ancestor(path: &Path) -> Option<std::path::PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    absolute
        .ancestors()
        .find_map(|ancestor| ancestor.canonicalize().ok())
}

/// The filesystem type of the mount in `mountinfo` (the text of `/proc/self/mountinfo`) that
/// holds the canonical absolute `path`: the mount whose mount point is the longest
/// component-wise prefix of `path`; of mounts stacked on the same point, the last listed wins.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn filesystem_type_of(mountinfo: &str, path: &Path) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for (mount_point, fs_type) in mountinfo.lines().filter_map(parse_mountinfo_line) {
        let mount_point = Path::new(&mount_point);
        if !path.starts_with(mount_point) {
            continue;
        }
        let depth = mount_point.components().count();
        if best.is_none_or(|(best_depth, _)| depth >= best_depth) {
            best = Some((depth, fs_type));
        }
    }
    best.map(|(_, fs_type)| fs_type.to_owned())
}

/// The unescaped mount point and the filesystem type of one mountinfo line, or `None` when the
/// line is malformed. Fields are `id parent major:minor root mount-point options [optional...]
/// - fs-type source super-options`.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn parse_mountinfo_line(line: &str) -> Option<(String, &str)> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let mount_point = fields.get(4)?;
    let separator = fields.iter().skip(6).position(|field| *field == "-")? + 6;
    let fs_type = fields.get(separator + 1)?;
    Some((unescape_mountinfo(mount_point), fs_type))
}

/// Undoes the kernel's octal escaping of space, tab, newline and backslash (`\040`, `\011`,
/// `\012`, `\134`) in a mountinfo field; anything else is kept as written.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn unescape_mountinfo(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut unescaped = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escape = bytes.get(index + 1..index + 4);
        match escape {
            Some(digits)
                if bytes[index] == b'\\'
                    && digits.iter().all(|digit| (b'0'..=b'7').contains(digit)) =>
            {
                let value = digits
                    .iter()
                    .fold(0u32, |value, digit| value * 8 + u32::from(digit - b'0'));
                match u8::try_from(value) {
                    Ok(byte) => {
                        unescaped.push(byte);
                        index += 4;
                    }
                    Err(_) => {
                        unescaped.push(bytes[index]);
                        index += 1;
                    }
                }
            }
            _ => {
                unescaped.push(bytes[index]);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&unescaped).into_owned()
}

/// Whether a filesystem type, as the kernel reports it, is a network filesystem.
///
/// Recognised: `nfs`, `nfs4`, `cifs`, `smb3`, `smbfs`, `ncpfs`, `afs`, `9p`, `ceph`,
/// `glusterfs`, `lustre`, `gpfs`, `beegfs`, and the FUSE types `fuse.sshfs`, `fuse.s3fs`,
/// `fuse.rclone`, `fuse.gcsfuse` and `fuse.glusterfs`. Everything else — ext4, xfs, btrfs,
/// tmpfs, overlay, zfs, other FUSE types — counts as local.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn is_network_type(fs_type: &str) -> bool {
    match fs_type.strip_prefix("fuse.") {
        Some(subtype) => NETWORK_FUSE_SUBTYPES.contains(&subtype),
        None => NETWORK_TYPES.contains(&fs_type),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A mount table like a workstation's: ext4 root, a few virtual filesystems, network shares
    /// and local mounts with awkward names.
    const MOUNTINFO: &str = "\
22 28 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
23 28 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:2 - sysfs sysfs rw
28 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro
30 28 0:26 / /tmp rw,nosuid,nodev shared:14 - tmpfs tmpfs rw,size=8G
41 28 259:3 / /home rw,relatime shared:29 - xfs /dev/nvme0n1p3 rw,attr2,inode64
52 28 0:45 / /mnt/share rw,relatime shared:40 - nfs4 fileserver:/export/desk rw,vers=4.2,rsize=1048576,wsize=1048576,hard,proto=tcp
53 28 0:46 / /mnt/share2 rw,relatime shared:41 - cifs //nas/desk rw,vers=3.1.1,cache=strict,username=ana
54 28 0:47 / /mnt/team\\040drive rw,relatime shared:42 - nfs nas:/team rw,vers=3
55 28 259:4 / /mnt/a rw,relatime shared:43 - ext4 /dev/sdb1 rw
56 28 0:48 / /mnt/ab rw,relatime shared:44 - cifs //nas/ab rw,vers=3.0
57 52 259:5 / /mnt/share/local rw,relatime shared:45 - btrfs /dev/sdc1 rw,space_cache=v2
58 57 0:49 / /mnt/share/local/remote rw,relatime shared:46 - fuse.sshfs ana@host:/srv rw,user_id=1000,group_id=1000
59 41 0:50 / /home/ana/.cache/doc rw,nosuid,nodev,relatime shared:47 - fuse.portal portal rw,user_id=1000,group_id=1000
";

    fn type_of(path: &str) -> Option<String> {
        filesystem_type_of(MOUNTINFO, Path::new(path))
    }

    #[test]
    fn shares_of_every_kind_a_desk_meets_are_network_filesystems() {
        for fs_type in [
            "fuse.smbnetfs",
            "fuse.gvfsd-fuse",
            "fuse.ceph-fuse",
            "davfs",
            "fuse.davfs",
            "vboxsf",
            "fuse.vmhgfs-fuse",
            "prl_fs",
            "fuse.juicefs",
            "fuse.goofys",
            "fuse.blobfuse2",
            "fuse.mountpoint-s3",
            "nfs4",
            "fuse.sshfs",
        ] {
            assert!(is_network_type(fs_type), "{fs_type}");
        }
        for fs_type in ["ext4", "btrfs", "tmpfs", "fuse.portal", "fuse"] {
            assert!(!is_network_type(fs_type), "{fs_type}");
        }
    }

    #[test]
    fn a_path_on_no_other_mount_is_on_the_ext4_root() {
        assert_eq!(
            type_of("/var/lib/factdesk/desk.db").as_deref(),
            Some("ext4")
        );
        assert_eq!(type_of("/").as_deref(), Some("ext4"));
    }

    #[test]
    fn paths_under_network_shares_get_the_share_type() {
        assert_eq!(type_of("/mnt/share/desk.db").as_deref(), Some("nfs4"));
        assert_eq!(type_of("/mnt/share").as_deref(), Some("nfs4"));
        assert_eq!(type_of("/mnt/share2/desk.db").as_deref(), Some("cifs"));
    }

    #[test]
    fn an_escaped_space_in_a_mount_point_is_unescaped() {
        assert_eq!(type_of("/mnt/team drive/desk.db").as_deref(), Some("nfs"));
        assert_eq!(
            type_of("/mnt/team\\040drive/desk.db").as_deref(),
            Some("ext4")
        );
    }

    #[test]
    fn mount_points_match_whole_components_not_string_prefixes() {
        assert_eq!(type_of("/mnt/a/desk.db").as_deref(), Some("ext4"));
        assert_eq!(type_of("/mnt/ab/desk.db").as_deref(), Some("cifs"));
        assert_eq!(type_of("/mnt/abc/desk.db").as_deref(), Some("ext4"));
        assert_eq!(type_of("/mnt/share22/desk.db").as_deref(), Some("ext4"));
    }

    #[test]
    fn the_longest_enclosing_mount_point_wins_among_nested_mounts() {
        assert_eq!(
            type_of("/mnt/share/local/desk.db").as_deref(),
            Some("btrfs")
        );
        assert_eq!(
            type_of("/mnt/share/local/remote/desk.db").as_deref(),
            Some("fuse.sshfs")
        );
        assert_eq!(
            type_of("/mnt/share/locale/desk.db").as_deref(),
            Some("nfs4")
        );
        assert_eq!(type_of("/tmp/desk.db").as_deref(), Some("tmpfs"));
    }

    #[test]
    fn the_last_of_mounts_stacked_on_one_point_wins() {
        let mountinfo = "\
28 1 259:2 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
60 28 0:51 / /srv rw,relatime shared:50 - ext4 /dev/sdd1 rw
61 60 0:52 / /srv rw,relatime shared:51 - nfs4 server:/srv rw,vers=4.1
";
        assert_eq!(
            filesystem_type_of(mountinfo, Path::new("/srv/desk.db")).as_deref(),
            Some("nfs4")
        );
    }

    #[test]
    fn malformed_lines_are_skipped_and_an_empty_table_knows_nothing() {
        let mountinfo = "garbage\n\n28 1 259:2 / / rw - \n29 1 0:1 / /data rw - xfs /dev/sde rw\n";
        assert_eq!(
            filesystem_type_of(mountinfo, Path::new("/data/desk.db")).as_deref(),
            Some("xfs")
        );
        assert_eq!(
            filesystem_type_of(mountinfo, Path::new("/etc/desk.db")),
            None
        );
        assert_eq!(filesystem_type_of("", Path::new("/desk.db")), None);
    }

    #[test]
    fn octal_escapes_for_tab_newline_and_backslash_are_undone() {
        assert_eq!(unescape_mountinfo("/a\\011b\\012c\\134d"), "/a\tb\nc\\d");
        assert_eq!(unescape_mountinfo("/plain"), "/plain");
        assert_eq!(unescape_mountinfo("/bad\\09x\\"), "/bad\\09x\\");
    }

    #[test]
    fn network_types_are_recognised() {
        for fs_type in [
            "nfs",
            "nfs4",
            "cifs",
            "smb3",
            "smbfs",
            "ncpfs",
            "afs",
            "9p",
            "ceph",
            "glusterfs",
            "lustre",
            "gpfs",
            "beegfs",
            "fuse.sshfs",
            "fuse.s3fs",
            "fuse.rclone",
            "fuse.gcsfuse",
            "fuse.glusterfs",
        ] {
            assert!(
                is_network_type(fs_type),
                "{fs_type} should be a network type"
            );
        }
    }

    #[test]
    fn local_types_are_not_network_types() {
        for fs_type in [
            "ext4",
            "xfs",
            "btrfs",
            "tmpfs",
            "overlay",
            "zfs",
            "fuse",
            "fuseblk",
            "fuse.portal",
            "fuse.sshfsx",
            "nfsd",
            "",
        ] {
            assert!(!is_network_type(fs_type), "{fs_type} should be local");
        }
    }

    #[test]
    fn the_temp_dir_is_not_on_a_network_filesystem_here() {
        let temp = std::env::temp_dir();
        assert_eq!(network_filesystem(&temp), None);
        assert_eq!(
            network_filesystem(&temp.join("not-yet/created/desk.db")),
            None
        );
    }

    /// The statfs shortcut never overrules the mount table: where it calls a directory
    /// certainly local, the mount table (read directly) names a local type for it too.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_statfs_shortcut_agrees_with_the_mount_table() {
        let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").expect("mount table");
        for dir in [std::env::temp_dir(), std::env::current_dir().expect("cwd")] {
            let dir = dir.canonicalize().expect("canonical");
            let from_table = filesystem_type_of(&mountinfo, &dir).expect("a mount holds it");
            if on_local_disk_filesystem(&dir) {
                assert!(
                    !is_network_type(&from_table),
                    "{}: {from_table}",
                    dir.display()
                );
            }
        }
    }
}
