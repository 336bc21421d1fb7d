//! The decoder on self-written glued tables (every ambiguity kind of DOMAIN.md §5.2).
