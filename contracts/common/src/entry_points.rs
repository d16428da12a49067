//! The administration entry points every TeachLink contract exports, written
//! once: `admin_entry_points!(MyContract, Error)` adds them as a second
//! `#[contractimpl]` block, delegating to [`crate::access`], [`crate::pause`],
//! [`crate::timelock`] and [`crate::upgrade`].

/// Adds `admin`, `transfer_admin`, `grant_role`, `revoke_role`, `has_role`,
/// `pause`, `unpause`, `is_paused`, `propose`, `cancel_proposal`,
/// `proposal`, `timelock_delay` and `upgrade` to `$contract`, whose `$error`
/// implements `From<CommonError>`.
#[macro_export]
macro_rules! admin_entry_points {
    ($contract:ident, $error:ty) => {
        // Plain comments, not doc comments: those are copied into every
        // contract's Wasm spec, and the bridge has no bytes to spare.
        #[soroban_sdk::contractimpl]
        impl $contract {
            // The current admin.
            pub fn admin(env: soroban_sdk::Env) -> soroban_sdk::Address {
                $crate::access::admin(&env)
            }

            // Hands the contract to `new_admin`; both admins sign.
            pub fn transfer_admin(env: soroban_sdk::Env, new_admin: soroban_sdk::Address) {
                $crate::access::transfer_admin(&env, &new_admin);
                $crate::ttl::extend_instance(&env);
            }

            // Grants `role` to `account`; admin only.
            pub fn grant_role(
                env: soroban_sdk::Env,
                role: soroban_sdk::Symbol,
                account: soroban_sdk::Address,
            ) {
                $crate::access::grant_role(&env, &role, &account);
                $crate::ttl::extend_instance(&env);
            }

            // Revokes `role` from `account`; admin only.
            pub fn revoke_role(
                env: soroban_sdk::Env,
                role: soroban_sdk::Symbol,
                account: soroban_sdk::Address,
            ) {
                $crate::access::revoke_role(&env, &role, &account);
                $crate::ttl::extend_instance(&env);
            }

            // Whether `account` holds `role`.
            pub fn has_role(
                env: soroban_sdk::Env,
                role: soroban_sdk::Symbol,
                account: soroban_sdk::Address,
            ) -> bool {
                $crate::access::has_role(&env, &role, &account)
            }

            // Pauses the risky entry points; `by` is the admin or holds the emergency role.
            pub fn pause(env: soroban_sdk::Env, by: soroban_sdk::Address) -> Result<(), $error> {
                $crate::pause::set_paused(&env, &by, true)?;
                $crate::ttl::extend_instance(&env);
                Ok(())
            }

            // Resumes the paused entry points; `by` is the admin (the emergency role only pauses).
            pub fn unpause(env: soroban_sdk::Env, by: soroban_sdk::Address) -> Result<(), $error> {
                $crate::pause::set_paused(&env, &by, false)?;
                $crate::ttl::extend_instance(&env);
                Ok(())
            }

            // Whether the risky entry points are paused.
            pub fn is_paused(env: soroban_sdk::Env) -> bool {
                $crate::pause::is_paused(&env)
            }

            // Schedules `op(args)` (a gated entry point and its exact arguments)
            // after the timelock delay and returns when it may run; admin only.
            pub fn propose(
                env: soroban_sdk::Env,
                op: soroban_sdk::Symbol,
                args: soroban_sdk::Vec<soroban_sdk::Val>,
            ) -> Result<u64, $error> {
                let ready_at = $crate::timelock::propose(&env, op, args)?;
                $crate::ttl::extend_instance(&env);
                Ok(ready_at)
            }

            // Drops the pending `op(args)`; admin only. (Not `cancel`: the
            // escrow has its own `cancel`.)
            pub fn cancel_proposal(
                env: soroban_sdk::Env,
                op: soroban_sdk::Symbol,
                args: soroban_sdk::Vec<soroban_sdk::Val>,
            ) -> Result<(), $error> {
                $crate::timelock::cancel(&env, op, args)?;
                $crate::ttl::extend_instance(&env);
                Ok(())
            }

            // Replaces the contract's code with the uploaded `wasm_hash`, as
            // proposed `upgrade([wasm_hash])` once its delay passed; admin only.
            pub fn upgrade(
                env: soroban_sdk::Env,
                wasm_hash: soroban_sdk::BytesN<32>,
            ) -> Result<(), $error> {
                $crate::upgrade::upgrade(&env, &wasm_hash)?;
                $crate::ttl::extend_instance(&env);
                Ok(())
            }
        }
    };
}
