// Evaluates IAM requests with @cloud-copilot/iam-simulate (AGPL-3.0: a test-only devDependency,
// never part of the Lambda package). Reads a JSON array of simulations on stdin and prints, per
// simulation, {result: Allowed|ImplicitlyDenied|ExplicitlyDenied} or {errors}.
import { runSimulation } from '@cloud-copilot/iam-simulate'

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const simulations = JSON.parse(Buffer.concat(chunks).toString('utf8'))
const answers = []
for (const simulation of simulations) {
  const response = await runSimulation(
    { serviceControlPolicies: [], resourceControlPolicies: [], ...simulation }, {})
  answers.push(response.resultType === 'error'
    ? { errors: response.errors }
    : { result: response.overallResult })
}
process.stdout.write(JSON.stringify(answers))
