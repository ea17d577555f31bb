//! The history's vocabulary: what an event is, the typed [`Change`] each one records, the
//! canonical order of events, and their hashes. This is the core type of the design (see
//! `docs/ARCHITECTURE.md`): every change to a store is decided by an operation in `store`, then
//! committed as one [`Event`] holding one [`Change`], which the store's projection writes into
//! its tables.
//!
//! Pure data and computation: no SQL, no store, no output. The JSON of a change and every hash
//! are the wire format shared with existing stores and bundles, and never change.

mod change;
mod event;
mod hash;

pub use change::{
    Action, Change, ClaimAdded, ClaimAssigned, ClaimCommented, ClaimEdited, ClaimRestored,
    ClaimRetracted, Edit, EvidenceAdded, EvidenceEdited, EvidenceMoved, EvidenceRestored,
    EvidenceRetracted, GivenVerdict, LinkAdded, LinkRemoved, LinkerProposal, Phase,
    ProposedVerdict, ReviewApproved, ReviewRejected, SettingSet, SourceAdded, SourceEdited,
    SourceMerged, SourceRenamed, SourceUnmerged, VerdictCleared, VerdictProposed, VerdictSet,
};
pub use event::{Event, WireEvent};
pub(crate) use hash::hex;
pub use hash::{EventContent, chain_hash, event_hash};
