# tflint over the synthesized stacks (`npm run verify`). The terraform ruleset is compiled into tflint.
# The AWS ruleset (tflint-ruleset-aws) is not installed: the Go module proxy does not serve it (tools/verify/README.md).
config {
  format = "json"
}

plugin "terraform" {
  enabled = true
  preset  = "recommended"
}
