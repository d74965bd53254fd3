#!/usr/bin/env bash
# cargo-mutants over kerust's numerical core, one group of files at a time, each with the
# test targets that guard it (TESTING.md has the results). Lowest priority:
#
#     tools/mutants.sh                    # every group
#     tools/mutants.sh losses optimizers  # some groups
#     MUTANTS_ITERATE=1 tools/mutants.sh  # skip the mutants an earlier run already caught
#     MUTANTS_IN_PLACE=1 tools/mutants.sh # mutate this tree and build in its target/
#
# In place is the fast way on a small machine: the dependencies are built once, and with the
# incremental `mutants` profile a mutant rebuilds in ~3 s. It edits the sources (cargo-mutants
# puts each file back, also on Ctrl-C), so run it in a scratch worktree, never in the tree you
# work in. To use both cores, run two worktrees at once, each with half the groups, the second
# seeded with `cp -a` of the first's target/ (cp -a keeps the timestamps cargo checks):
#
#     git worktree add ../mut-a && git worktree add ../mut-b
#     (cd ../mut-a && MUTANTS_IN_PLACE=1 tools/mutants.sh losses activations regression) &
#     (cd ../mut-b && MUTANTS_IN_PLACE=1 tools/mutants.sh optimizers scalers regularizers)
#
# Without it, cargo-mutants copies the tree into a fresh build directory, where the
# dependencies build again (7 minutes here) before the first mutant.
#
# Results go to $MUTANTS_OUT/<group>/mutants.out (default: target/mutants-out). Settings
# (profile, timeouts) are in .cargo/mutants.toml. Needs `cargo install cargo-mutants --locked`.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${MUTANTS_OUT:-target/mutants-out}"
mkdir -p "$out"

# group | files (cargo-mutants globs, comma-separated) | guarding test targets ("lib" = unit tests)
groups=(
    "activations|src/activations.rs|keras_references gradcheck keras_fixtures"
    "losses|src/losses/*.rs|losses keras_references keras_fixtures gradcheck gradcheck_regularization errors regularization_fixtures"
    "optimizers|src/optimizers/*.rs|optimizers keras_fixtures regularization_fixtures persistence errors callbacks"
    "scalers|src/preprocessing/minmax.rs,src/preprocessing/standard.rs,src/preprocessing/scaler.rs|scalers metrics_fixture preprocessing_split tabular"
    "regression|src/metrics/regression.rs|metrics_regression metrics_fixture"
    "regularizers|src/regularizers.rs|regularizers regularization_fixtures gradcheck_regularization errors persistence_layers"
)

wanted=("$@")
for entry in "${groups[@]}"; do
    IFS='|' read -r group files tests <<<"$entry"
    if [ ${#wanted[@]} -gt 0 ] && [[ ! " ${wanted[*]} " =~ " $group " ]]; then
        continue
    fi
    args=(-o "$out/$group")
    if [ -n "${MUTANTS_IN_PLACE:-}" ]; then args+=(--in-place); else args+=(--jobs 1); fi
    if [ -n "${MUTANTS_ITERATE:-}" ]; then args+=(--iterate); fi
    IFS=',' read -ra globs <<<"$files"
    for f in "${globs[@]}"; do args+=(-f "$f"); done
    for t in $tests; do
        if [ "$t" = lib ]; then args+=(--cargo-arg=--lib); else args+=("--cargo-arg=--test=$t"); fi
    done
    echo "== $group: cargo mutants ${args[*]}"
    nice -n 19 cargo mutants "${args[@]}" || true # survivors make it exit non-zero
done
