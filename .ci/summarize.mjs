// Reads vitest's JSON report and prints "N passed, N failed, N skipped" (the line CI reads).
// A missing report with a failing status counts as one failure: the tests never ran.
import { existsSync, readFileSync } from 'node:fs';

const [reportPath, status] = process.argv.slice(2);
if (!existsSync(reportPath)) {
  console.log(`no test report at ${reportPath}: the install or the typecheck failed before the tests ran`);
  console.log(Number(status) === 0 ? '0 passed, 0 failed, 0 skipped' : '0 passed, 1 failed, 0 skipped');
} else {
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  const failedSuites = (report.testResults ?? []).filter((file) => file.status === 'failed' && (file.assertionResults ?? []).length === 0).length;
  console.log(`${report.numPassedTests} passed, ${report.numFailedTests + failedSuites} failed, ${skipped} skipped`);
}
