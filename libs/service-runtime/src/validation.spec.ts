import { IsOptional, IsString } from 'class-validator';
import { InvalidRequestException } from './problem-details.filter';
import { createValidationPipe } from './validation';

class ExampleDto {
  @IsString()
  name: string;

  @IsOptional()
  @IsString()
  note?: string;
}

describe('the validation pipe', () => {
  const pipe = createValidationPipe();
  const problemsOf = async (value: unknown, metadata: Parameters<typeof pipe.transform>[1]) => {
    try {
      await pipe.transform(value, metadata);
      return [];
    } catch (error) {
      return (error as InvalidRequestException).problems;
    }
  };

  it('refuses NUL and unpaired surrogates in any body, query or parameter, naming the field', async () => {
    expect(await problemsOf({ name: 'a\u0000' }, { type: 'body', metatype: ExampleDto })).toEqual([{ field: 'name', message: 'must not contain NUL characters' }]);
    expect(await problemsOf({ name: 'ok', nested: ['x', '\uD800'] }, { type: 'body', metatype: Object })).toEqual([{ field: 'nested.1', message: expect.stringContaining('unpaired surrogate') }]);
    expect(await problemsOf('1\u0000', { type: 'query', metatype: Number, data: 'limit' })).toEqual([{ field: 'limit', message: 'must not contain NUL characters' }]);
    expect(await problemsOf({ name: 'ok', note: 'x\u0000' }, { type: 'query', metatype: ExampleDto })).toEqual([{ field: 'note', message: 'must not contain NUL characters' }]);
  });

  it('refuses prototype and empty keys in queries and forms, naming the key', async () => {
    expect(await problemsOf(JSON.parse('{"name":"a","constructor":"x"}'), { type: 'query', metatype: ExampleDto })).toEqual([{ field: 'constructor', message: expect.stringContaining('not accepted') }]);
    expect(await problemsOf({ '': 'x' }, { type: 'body', metatype: Object })).toEqual([{ field: '(empty key)', message: 'an empty key is not accepted' }]);
  });

  it('still validates DTOs and lets good input through', async () => {
    expect(await problemsOf({}, { type: 'body', metatype: ExampleDto })).toEqual([{ field: 'name', message: 'name must be a string' }]);
    expect(await pipe.transform({ name: 'Ann 😀' }, { type: 'body', metatype: ExampleDto })).toEqual({ name: 'Ann 😀' });
  });
});
