import { DynamicModule, Type } from '@nestjs/common';

/**
 * A global module that provides each settings object under its own class, so a feature injects exactly the
 * settings it uses (e.g. `constructor(private readonly schedule: ReleaseSchedule)`) and never the whole env.
 */
export function settingsModule(module: Type, settings: object[]): DynamicModule {
  const providers = settings.map((value) => ({ provide: value.constructor as Type, useValue: value }));
  return { module, global: true, providers, exports: providers.map((provider) => provider.provide) };
}
