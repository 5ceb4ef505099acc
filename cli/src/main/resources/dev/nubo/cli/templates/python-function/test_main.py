import unittest

from main import handler


class HandlerTest(unittest.TestCase):
    def test_greets_by_name(self):
        self.assertEqual(handler({"name": "Ada"}, None), {"message": "Hello, Ada"})

    def test_greets_the_name_in_a_request_to_its_url(self):
        request = {"requestContext": {"http": {"method": "GET"}}, "queryStringParameters": {"name": "Ada"}}
        self.assertEqual(handler(request, None), {"message": "Hello, Ada"})

    def test_greets_the_world_without_a_name(self):
        self.assertEqual(handler({}, None), {"message": "Hello, world"})


if __name__ == "__main__":
    unittest.main()
