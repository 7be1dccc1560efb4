//! Building a function's control-flow graph: the primitives both front ends share.

use crate::ir::{Block, BlockId, Cfg, Loop, Stmt, Terminator};

pub const ENTRY: BlockId = 0;
pub const EXIT: BlockId = 1;

/// A CFG under construction: block 0 is the entry, block 1 the exit; statements go into the
/// current block until a jump ends it.
#[derive(Debug)]
pub struct CfgBuilder {
    pub blocks: Vec<Block>,
    /// The block being filled; `None` after a jump (code there is unreachable).
    pub cur: Option<BlockId>,
    /// The loops of the function.
    pub loops: Vec<Loop>,
}

impl Default for CfgBuilder {
    fn default() -> Self {
        CfgBuilder {
            blocks: vec![Block::default(), Block::default()],
            cur: Some(ENTRY),
            loops: Vec::new(),
        }
    }
}

impl CfgBuilder {
    pub fn new_block(&mut self) -> BlockId {
        self.blocks.push(Block::default());
        (self.blocks.len() - 1) as BlockId
    }

    /// The current block, reopening a fresh (unreachable) one after a jump.
    pub fn cur(&mut self) -> BlockId {
        match self.cur {
            Some(b) => b,
            None => {
                let b = self.new_block();
                self.cur = Some(b);
                b
            }
        }
    }

    pub fn push(&mut self, s: Stmt) {
        let b = self.cur();
        self.blocks[b as usize].stmts.push(s);
    }

    /// End the current block with `t`; no block is current afterwards.
    pub fn terminate(&mut self, t: Terminator) {
        let b = self.cur();
        self.blocks[b as usize].term = t;
        self.cur = None;
    }

    /// Jump from the current block (if reachable) to `target` and continue in `target`.
    pub fn goto_and_enter(&mut self, target: BlockId) {
        if self.cur.is_some() {
            self.terminate(Terminator::Goto(target));
        }
        self.cur = Some(target);
    }

    /// The finished graph: a current block falls through to the exit.
    pub fn finish(mut self) -> Cfg {
        if let Some(c) = self.cur {
            self.blocks[c as usize].term = Terminator::Goto(EXIT);
        }
        Cfg {
            blocks: self.blocks,
            exit: EXIT,
            loops: self.loops,
        }
    }
}
