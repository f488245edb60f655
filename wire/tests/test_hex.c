/* test_hex.c - the hex codec: every byte value both ways, either case in, what it refuses. */
#include <string.h>

#include "hex.h"
#include "test_main.h"

static void test_every_byte_round_trips(void)
{
	uint8_t all[256], back[256];
	char text[513];

	for (int i = 0; i < 256; i++)
		all[i] = (uint8_t)i;
	CU_ASSERT_PTR_EQUAL(hex_encode(all, sizeof(all), text), text);
	CU_ASSERT_EQUAL(strlen(text), 512);
	CU_ASSERT_NSTRING_EQUAL(text, "000102", 6);
	CU_ASSERT_STRING_EQUAL(text + 506, "fdfeff");
	CU_ASSERT_EQUAL(hex_decode(text, 512, back), 0);
	CU_ASSERT_EQUAL(memcmp(all, back, sizeof(all)), 0);
}

static void test_either_case_in(void)
{
	uint8_t b[4];

	CU_ASSERT_EQUAL(hex_decode("DeadBEEF", 8, b), 0);
	CU_ASSERT_EQUAL(b[0], 0xde);
	CU_ASSERT_EQUAL(b[3], 0xef);
	CU_ASSERT_EQUAL(hex_digit('F'), 15);
	CU_ASSERT_EQUAL(hex_digit('a'), 10);
	CU_ASSERT_EQUAL(hex_digit('9'), 9);
}

static void test_refused(void)
{
	uint8_t b[4];

	CU_ASSERT_EQUAL(hex_decode("abc", 3, b), -1);   /* odd */
	CU_ASSERT_EQUAL(hex_decode("0g", 2, b), -1);    /* not a digit */
	CU_ASSERT_EQUAL(hex_decode("0x12", 4, b), -1);  /* no prefix */
	CU_ASSERT_EQUAL(hex_digit('/'), -1);            /* the neighbours of the ranges */
	CU_ASSERT_EQUAL(hex_digit(':'), -1);
	CU_ASSERT_EQUAL(hex_digit('@'), -1);
	CU_ASSERT_EQUAL(hex_digit('G'), -1);
	CU_ASSERT_EQUAL(hex_digit('`'), -1);
	CU_ASSERT_EQUAL(hex_digit('g'), -1);
	CU_ASSERT_EQUAL(hex_digit('\0'), -1);
	CU_ASSERT_TRUE(hex_all_digits("09afAF", 6));
	CU_ASSERT_FALSE(hex_all_digits("09afAFx", 7));
	CU_ASSERT_TRUE(hex_all_digits("", 0));
}

static void test_empty(void)
{
	char text[1] = {'x'};

	CU_ASSERT_STRING_EQUAL(hex_encode(NULL, 0, text), "");
	CU_ASSERT_EQUAL(hex_decode("", 0, NULL), 0);
}

void tests_register(void)
{
	static const struct test_entry hex[] = {
		{"every byte value round-trips", test_every_byte_round_trips},
		{"either case decodes", test_either_case_in},
		{"odd lengths and non-digits are refused", test_refused},
		{"zero bytes", test_empty},
		{NULL, NULL},
	};

	tests_add_suite("hex codec", hex);
}
