// The reference environment passes the conformance suite, which proves the suite itself runs.
import { describeEnvironmentConformance } from './environment-conformance.js';
import { lineWorldEnvironment } from './line-world-environment.js';

describeEnvironmentConformance(lineWorldEnvironment);
