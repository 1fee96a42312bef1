/**
 * The time limit a dossier filed by a method runs on. A method whose unit the import could not
 * map (kept as text, see import-procedures) falls back to the sum of the workflow's step
 * budgets in working days, and says so (`fallback`), so pages can show that the limit is the
 * agency's internal one until an administrator sets the unit.
 */
import type { TimeLimit } from '../calendar/time-limit.ts';
import type { ProcedureData } from './national-format.ts';

type Method = Pick<ProcedureData['methods'][number], 'processingTime' | 'processingTimeUnit' | 'processingCutoff'>;

export function timeLimitOf(method: Method, workflow: ProcedureData['workflow']): TimeLimit & { fallback?: true } {
  const n = method.processingTime;
  switch (method.processingTimeUnit) {
    case 'WORKING_DAY':
    case 'DAY':
    case 'WORKING_HOUR':
      return { unit: method.processingTimeUnit, n };
    case 'SAME_DAY':
      return method.processingCutoff ? { unit: 'SAME_DAY', cutoff: method.processingCutoff } : { unit: 'SAME_DAY' };
    default:
      return { unit: 'WORKING_DAY', n: Math.ceil(workflow.reduce((sum, s) => sum + s.workingDays, 0)) || 1, fallback: true };
  }
}
