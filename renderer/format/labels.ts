/** Words for the model's enums, kept in one place so every screen says the same thing. */
import type { Health, Severity } from '../../shared/model/finding';
import type { FamilyKind, MemberRole } from '../../shared/model/workspace';

/** Health as a word. */
export const HEALTH_LABEL: Record<Health, string> = {
  healthy: 'Healthy',
  warning: 'Warning',
  broken: 'Broken',
  unknown: 'Not checked',
};

/** Severity as a word. */
export const SEVERITY_LABEL: Record<Severity, string> = { error: 'Error', warning: 'Warning', info: 'Info' };

/** How a family's generations are named, in words. */
export const KIND_LABEL: Record<FamilyKind, string> = {
  ring: 'Ring buffer',
  numbered: 'Numbered',
  timestamped: 'Timestamped',
  'step-dirs': 'Step directories',
  triple: 'Pickle + state + meta',
  single: 'Single file',
};

/** What a member file is for, in words. */
export const ROLE_LABEL: Record<MemberRole, string> = {
  main: 'main',
  pickle: 'pickle',
  state: 'state',
  meta: 'meta',
  types: 'type manifest',
  member: 'member',
};
