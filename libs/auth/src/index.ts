export * from './roles';
export * from './role-claims';
export * from './jwt-verifier';
export * from './roles.guard';
export * from './auth.module';
export * from './dev-issuer';
