#!/usr/bin/env bash
# Every output a refactor or a speed-up must leave byte-identical, written into DIR:
#   benchmarks/identity.sh /tmp/before   (on the old commit)
#   benchmarks/identity.sh /tmp/after    (on the new one)
#   diff -r /tmp/before /tmp/after && echo identical
# The demo build; every kind at every difficulty (30 variants, LaTeX and key); an all-kinds
# exam in English and in German with decimal commas, with Moodle and QTI exports; derive on
# the lecture examples in every mode and format, graphs, fragments, --check; the --help texts.
set -uo pipefail
out=$(realpath -m "$1"); rm -rf "$out"; mkdir -p "$out"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
kinds="forward backprop update chain_rule activation param_count regularization batching dropout perceptron autodiff"

generate --demo --out "$out/demo" >/dev/null 2>&1 || echo "demo failed"
for difficulty in easy medium hard; do
  { echo 'title = "Wide"'; echo 'seed = 17'
    for k in $kinds; do printf '[[problems]]\nkind = "%s"\npoints = 9\ndifficulty = "%s"\n' "$k" "$difficulty"; done
    printf '[[problems]]\nkind = "forward"\npoints = 9\nnumbers = "decimal"\n'
    printf '[[problems]]\nkind = "backprop"\npoints = 9\nnumbers = "decimal"\n'; } > "wide-$difficulty.toml"
  generate "wide-$difficulty.toml" --variants 30 --format tex --out "$out/wide-$difficulty" >/dev/null 2>&1 \
    || echo "wide $difficulty failed"
done
{ echo 'title = "All"'; echo 'seed = 11'
  for k in $kinds; do printf '[[problems]]\nkind = "%s"\npoints = 9\n' "$k"; done; } > all.toml
generate all.toml --variants 6 --format tex,moodle,qti --out "$out/all" >/dev/null 2>&1 || echo "all failed"
sed 's/^title = "All"/title = "All"\nlanguage = "de"\ndecimal_comma = true/' all.toml > de.toml
generate de.toml --variants 3 --format tex,moodle,qti --out "$out/de" >/dev/null 2>&1 || echo "de failed"

for ex in herrmann-backprop herrmann-homework bhadani-sigmoid batch-relu; do
  for mode in "" --float "--decimals 4" --exact; do
    for fmt in text latex json; do derive --example $ex $mode --format $fmt > "$out/d_${ex}_${mode// /}_$fmt" 2>&1; done
  done
  for fmt in text latex json dot; do derive --example $ex --graph --format $fmt > "$out/g_${ex}_$fmt" 2>&1; done
  derive --example $ex --format latex --fragment > "$out/fb_$ex" 2>&1
  derive --example $ex --float --format latex --fragment column > "$out/fc_$ex" 2>&1
  derive --example $ex --bias-as w0 --cost-symbol L --index-order kj --format latex > "$out/n_$ex" 2>&1
done
for fmt in text latex json dot; do
  derive --graph "y = log(x1) + x1*x2 - sin(x2)" --at x1=2,x2=5 --format $fmt > "$out/ge_$fmt" 2>&1
done
printf 'z1 = [-3, -4]\na1 = [9, 15]\n"grad_W1[2,2]" = 108\n' > answers.toml
derive --example herrmann-backprop --check answers.toml > "$out/check_text" 2>&1
derive --example herrmann-backprop --check answers.toml --format json > "$out/check_json" 2>&1
derive --help > "$out/derive_help"; generate --help > "$out/generate_help"
