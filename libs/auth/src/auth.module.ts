import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthSettings, JwtVerifier } from './jwt-verifier';
import { RolesGuard } from './roles.guard';

@Module({})
export class AuthModule {
  static forRoot(settings: AuthSettings): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: JwtVerifier, useValue: new JwtVerifier(settings) },
        { provide: APP_GUARD, useClass: RolesGuard },
      ],
      exports: [JwtVerifier],
    };
  }
}
